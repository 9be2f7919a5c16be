package dev.lakeforge.core.config;

/**
 * Where tables, run manifests and local model copies live. Any Hadoop path works for the root, such as
 * {@code s3a://bucket/lake}.
 *
 * @param root   lake root; table {@code layer.name} lives at {@code root/layer/name}
 * @param state  run manifests: what each stage read, wrote and produced, per pipeline and run date
 * @param models local model directories written by train, read by evaluate and register
 * @param s3     how s3a:// paths (lake root and sources) reach their object store; credentials are never here
 */
public record LakeConfig(String root, String state, String models, S3Config s3) {
  public static final LakeConfig DEFAULT = new LakeConfig(null, null, null, null);

  public LakeConfig {
    root = Require.orDefault(root, "data/lake");
    state = Require.orDefault(state, "data/state");
    models = Require.orDefault(models, "data/models");
  }
}
