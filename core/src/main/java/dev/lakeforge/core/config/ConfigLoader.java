package dev.lakeforge.core.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.lakeforge.core.error.Errors;
import dev.lakeforge.core.error.LakeforgeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Loads YAML into the config records. Unknown keys, wrong types and missing keys are errors that name the file,
 * line and key; {@code ${env:NAME}} and {@code ${env:NAME:-default}} are replaced from the environment and
 * {@code ${config_dir}} by the config file's directory (for files shipped beside the config); {@code --set}
 * overrides apply on top of the file.
 */
public final class ConfigLoader {
  private static final Pattern ENV_REF = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");

  private final ObjectMapper mapper;
  private final Map<String, String> env;

  public ConfigLoader(Map<String, String> env) {
    this.env = env;
    this.mapper = YAMLMapper.builder(new YAMLFactory())
        .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .build();
  }

  public static ConfigLoader fromSystemEnv() {
    return new ConfigLoader(System.getenv());
  }

  /** Loads a pipeline config and applies {@code key=value} overrides. */
  public LoadedConfig loadPipeline(Path file, List<String> overrides) {
    String text = interpolate(file, read(file));
    JsonNode tree = parseTree(file, text);
    rejectUnknownKeys(file.toString(), text, tree, PipelineConfig.class);
    PipelineConfig fromFile = bind(file.toString(), text, PipelineConfig.class);
    if (overrides.isEmpty()) {
      return loaded(file, fromFile, tree);
    }
    for (String override : overrides) {
      applyOverride((ObjectNode) tree, override);
    }
    rejectUnknownKeys("--set " + String.join(" --set ", overrides), null, tree, PipelineConfig.class);
    try {
      PipelineConfig overridden = mapper.treeToValue(tree, PipelineConfig.class);
      return loaded(file, overridden, tree);
    } catch (JsonProcessingException e) {
      throw translate("--set " + String.join(" --set ", overrides), e, null);
    }
  }

  /** Loads any YAML file into a record type, with the same checks. */
  public <T> T load(Path file, Class<T> type) {
    String text = interpolate(file, read(file));
    rejectUnknownKeys(file.toString(), text, parseTree(file, text), type);
    return bind(file.toString(), text, type);
  }

  private void rejectUnknownKeys(String source, String text, JsonNode tree, Class<?> type) {
    UnknownKeys.find(tree, type).ifPresent(unknown -> {
      String where = source + (text == null ? "" : locate(text, "/" + String.join("/", unknown.path())).orElse(""));
      throw Errors.configUnknownKey(where, String.join(".", unknown.path()), unknown.allowed());
    });
  }

  private LoadedConfig loaded(Path file, PipelineConfig config, JsonNode tree) {
    JsonNode hashed = ConfigTrees.redacted(tree);
    if (hashed instanceof ObjectNode obj) {
      // Where lineage events go changes no table or model: turning OpenLineage on keeps the config hash.
      obj.remove("lineage");
    }
    String hash = ConfigTrees.sha256(ConfigTrees.canonicalJson(hashed));
    return new LoadedConfig(file, config, tree, hash);
  }

  private String read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw Errors.configFileMissing(file);
    }
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw Errors.configSyntax(file.toString(), "the file cannot be read (" + e.getMessage() + ")", e);
    }
  }

  /** Replaces env references line by line, so line numbers stay true and errors can name the line. */
  String interpolate(Path file, String text) {
    String[] lines = text.split("\n", -1);
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (!line.stripLeading().startsWith("#")) {
        Matcher m = ENV_REF.matcher(line);
        StringBuilder replaced = new StringBuilder();
        while (m.find()) {
          String value = env.get(m.group(1));
          if (value == null) {
            value = m.group(3);
          }
          if (value == null) {
            throw Errors.configEnvMissing(file + ":" + (i + 1), m.group(1));
          }
          m.appendReplacement(replaced, Matcher.quoteReplacement(value));
        }
        m.appendTail(replaced);
        line = replaced.toString().replace("${config_dir}", configDir(file));
      }
      out.append(line);
      if (i < lines.length - 1) {
        out.append('\n');
      }
    }
    return out.toString();
  }

  private static String configDir(Path file) {
    Path parent = file.toAbsolutePath().normalize().getParent();
    return parent == null ? "." : parent.toString();
  }

  private <T> T bind(String source, String text, Class<T> type) {
    if (text.isBlank()) {
      throw Errors.configInvalid(source, "the file is empty");
    }
    try {
      return mapper.readValue(text, type);
    } catch (JsonProcessingException e) {
      throw translate(source, e, text);
    }
  }

  private JsonNode parseTree(Path file, String text) {
    try {
      return mapper.readTree(text);
    } catch (JsonProcessingException e) {
      throw translate(file.toString(), e, text);
    }
  }

  private LakeforgeException translate(String source, JsonProcessingException e, String text) {
    String key = e instanceof JsonMappingException jm ? keyPath(jm.getPath()) : "";
    String where = source + keyLocation(text, e instanceof JsonMappingException jm ? jm.getPath() : List.of())
        .orElse(location(e.getLocation()));
    if (e instanceof UnrecognizedPropertyException u) {
      String known = u.getKnownPropertyIds() == null ? "" : u.getKnownPropertyIds().stream()
          .map(Object::toString).sorted().collect(Collectors.joining(", "));
      return Errors.configUnknownKey(where, key, known);
    }
    if (e instanceof ValueInstantiationException v) {
      Throwable cause = v.getCause() != null ? v.getCause() : v;
      String at = key.isEmpty() ? "" : " (in '" + key + "')";
      // A record's check names one of its keys ("key 'transport' is ..."): point at that key's line when it is
      // written, not at the start of the map that holds it.
      Matcher named = CHECKED_KEY.matcher(String.valueOf(cause.getMessage()));
      if (text != null && named.lookingAt()) {
        where = locate(text, pointer(v.getPath()) + "/" + named.group(1)).map(l -> source + l).orElse(where);
      }
      return Errors.configInvalid(where, cause.getMessage() + at);
    }
    if (e instanceof InvalidFormatException f) {
      return Errors.configWrongType(where, key, describe(f.getTargetType()) + ", not '" + f.getValue() + "'", e);
    }
    if (e instanceof MismatchedInputException m) {
      return Errors.configWrongType(where, key, describe(m.getTargetType()), e);
    }
    // SnakeYAML's first line is its context ("while scanning for the next token"); the problem and its mark are
    // what to fix ("found character '\t' that cannot start any token", at the tab).
    if (e.getCause() instanceof org.yaml.snakeyaml.error.MarkedYAMLException y && y.getProblem() != null) {
      String at = y.getProblemMark() == null ? where
          : source + ":" + (y.getProblemMark().getLine() + 1) + ":" + (y.getProblemMark().getColumn() + 1);
      return Errors.configSyntax(at, y.getProblem().strip(), e);
    }
    return Errors.configSyntax(where, dev.lakeforge.core.error.LibraryMessage.firstLine(e.getOriginalMessage())
        .orElse("invalid YAML"), e);
  }

  private static final Pattern CHECKED_KEY = Pattern.compile("key '([A-Za-z0-9_]+)'");

  /** The line and column where the key at {@code path} is written, found by re-reading the tokens. */
  private java.util.Optional<String> keyLocation(String text, List<JsonMappingException.Reference> path) {
    if (text == null || path.isEmpty()) {
      return java.util.Optional.empty();
    }
    return locate(text, pointer(path));
  }

  /** The JSON pointer of a mapping path ("/lineage/openlineage"). */
  private static String pointer(List<JsonMappingException.Reference> path) {
    StringBuilder pointer = new StringBuilder();
    for (JsonMappingException.Reference ref : path) {
      pointer.append('/').append(ref.getFieldName() != null ? ref.getFieldName() : String.valueOf(ref.getIndex()));
    }
    return pointer.toString();
  }

  /** The line and column where the key at a JSON pointer is written, found by re-reading the tokens. */
  private java.util.Optional<String> locate(String text, String wanted) {
    try (com.fasterxml.jackson.core.JsonParser p = mapper.getFactory().createParser(text)) {
      for (var token = p.nextToken(); token != null; token = p.nextToken()) {
        if (token == com.fasterxml.jackson.core.JsonToken.FIELD_NAME
            && p.getParsingContext().pathAsPointer().toString().equals(wanted)) {
          return java.util.Optional.of(location(p.currentTokenLocation()));
        }
      }
    } catch (IOException ignored) {
      // Fall back to the exception's own location.
    }
    return java.util.Optional.empty();
  }

  private static String location(JsonLocation loc) {
    if (loc == null || loc.getLineNr() < 1) {
      return "";
    }
    return ":" + loc.getLineNr() + ":" + loc.getColumnNr();
  }

  private static String keyPath(List<JsonMappingException.Reference> path) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference ref : path) {
      if (ref.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  private static String describe(Class<?> type) {
    if (type == null) {
      return "of another type";
    }
    if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != boolean.class)) {
      return "a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a string";
    }
    if (List.class.isAssignableFrom(type)) {
      return "a list";
    }
    if (Map.class.isAssignableFrom(type) || type.isRecord()) {
      return "a mapping (key: value lines)";
    }
    return "a " + type.getSimpleName();
  }

  /** Applies {@code a.b.c=value}; numeric segments index lists. The value is read as a YAML scalar. */
  private void applyOverride(ObjectNode root, String override) {
    int eq = override.indexOf('=');
    if (eq <= 0) {
      throw Errors.badOverride(override, "it has no '='");
    }
    String[] path = override.substring(0, eq).trim().split("\\.");
    String raw = override.substring(eq + 1);
    JsonNode value;
    try {
      value = raw.isEmpty() ? TextNode.valueOf("") : mapper.readTree(raw);
      if (value == null || value.isMissingNode() || value.isContainerNode()) {
        value = TextNode.valueOf(raw);
      }
    } catch (JsonProcessingException e) {
      value = TextNode.valueOf(raw);
    }
    JsonNode node = root;
    for (int i = 0; i < path.length - 1; i++) {
      JsonNode next = child(node, path[i]);
      if (next == null || next.isNull()) {
        if (!(node instanceof ObjectNode obj)) {
          throw Errors.badOverride(override, "'" + path[i] + "' is not a key of a mapping");
        }
        next = obj.putObject(path[i]);
      }
      node = next;
    }
    String last = path[path.length - 1];
    if (node instanceof ObjectNode obj) {
      obj.set(last, value);
    } else if (node instanceof ArrayNode arr && last.matches("\\d+") && Integer.parseInt(last) < arr.size()) {
      arr.set(Integer.parseInt(last), value);
    } else {
      throw Errors.badOverride(override, "'" + last + "' does not name a key or list index");
    }
  }

  private static JsonNode child(JsonNode node, String segment) {
    if (node.isArray()) {
      return segment.matches("\\d+") ? node.get(Integer.parseInt(segment)) : null;
    }
    return node.get(segment);
  }
}
