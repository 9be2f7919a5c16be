package dev.lakeforge.core.error;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.file.AccessDeniedException;
import org.junit.jupiter.api.Test;

class StorageErrorsTest {
  private static final String PATH = "s3a://lakeforge/state/flights/2001-06-15/train.json";

  @Test
  void aRefused403NamesTheCredentialsAndWhereTheDriverGetsThem() {
    // As S3A reports a 403 (S3AUtils turns it into an AccessDeniedException carrying the SDK's text).
    var denied = new AccessDeniedException(PATH + ": getFileStatus on " + PATH + ": com.amazonaws.services.s3.model."
        + "AmazonS3Exception: Forbidden (Service: Amazon S3; Status Code: 403; Error Code: 403 Forbidden)");
    LakeforgeException e = Errors.storageFailed("look for", PATH, new UncheckedIOException(
        new java.io.IOException("wrapped", denied)));
    assertEquals(2, e.exitCode());
    assertTrue(e.getMessage().startsWith("Cannot look for " + PATH + ": the store answered 403 Forbidden ("
        + PATH + ": getFileStatus on " + PATH + ": "), e.getMessage());
    assertTrue(e.getMessage().contains("Status Code: 403; Error Code: 403 Forbidden)). Fix: this is usually the "
        + "credentials"), e.getMessage());
    assertTrue(e.getMessage().contains("spark-submit's environment"), e.getMessage());
    assertTrue(e.getMessage().contains("RequestTimeTooSkewed"), e.getMessage());
  }

  @Test
  void otherFailuresKeepTheirOwnReasonAndAnUnreachableStoreIsExit5() {
    LakeforgeException missing = Errors.storageFailed("read", PATH, new FileNotFoundException("No such file: "
        + PATH));
    assertEquals(2, missing.exitCode());
    assertTrue(missing.getMessage().startsWith("Cannot read " + PATH + ": No such file: " + PATH + ". Fix: check"),
        missing.getMessage());
    LakeforgeException down = Errors.storageFailed("read", PATH, new java.io.IOException(PATH,
        new ConnectException("Connect to 127.0.0.1:9 failed: Connection refused")));
    assertEquals(5, down.exitCode());
  }
}
