"""Writes a fixed 1-in-N hash sample of a Parquet file (run with pyspark's spark-submit)."""

import sys

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

source, target, one_in = sys.argv[1], sys.argv[2], int(sys.argv[3])
spark = SparkSession.builder.master("local[2]").appName("lakeforge-sample").getOrCreate()
rows = spark.read.parquet(source)
rows.filter(F.abs(F.hash(*rows.columns)) % one_in == 0).coalesce(1).write.mode("overwrite").parquet(target)
spark.stop()
