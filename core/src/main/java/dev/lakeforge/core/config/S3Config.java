package dev.lakeforge.core.config;

/**
 * The S3-compatible endpoint behind s3a:// paths. Credentials come only from the AWS provider chain
 * (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, profiles, instance roles), never from the config.
 *
 * @param endpoint        e.g. http://127.0.0.1:9000 for MinIO, S3Proxy or S3Mock; empty for AWS itself
 * @param pathStyleAccess bucket in the path instead of the host name (needed by most local servers)
 * @param region          the signing region (default us-east-1)
 * @param maxAttempts     attempts before an unreachable endpoint fails the stage with exit 5 (default 3)
 */
public record S3Config(String endpoint, Boolean pathStyleAccess, String region, Integer maxAttempts) {
  public S3Config {
    pathStyleAccess = Require.orDefault(pathStyleAccess, Boolean.TRUE);
    region = Require.orDefault(region, "us-east-1");
    maxAttempts = Require.orDefault(maxAttempts, 3);
  }
}
