package dev.racetrack.lifecycle.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackupCipherTest {
  private static final char[] PASSPHRASE = "correct horse battery staple".toCharArray();
  private final BackupCipher cipher = new BackupCipher(1000);

  private byte[] plain(int size) {
    byte[] bytes = new byte[size];
    new Random(42).nextBytes(bytes);
    return bytes;
  }

  private byte[] seal(byte[] plain) throws IOException {
    ByteArrayOutputStream sealed = new ByteArrayOutputStream();
    try (OutputStream out = cipher.encrypt(sealed, PASSPHRASE)) {
      out.write(plain, 0, plain.length / 2);
      out.write(plain, plain.length / 2, plain.length - plain.length / 2);
    }
    return sealed.toByteArray();
  }

  private byte[] open(byte[] sealed, char[] passphrase) throws IOException {
    try (InputStream in = cipher.decrypt(new ByteArrayInputStream(sealed), passphrase)) {
      return in.readAllBytes();
    }
  }

  @Test
  void decrypt_ofSeveralSegments_givesThePlaintextBack() throws IOException {
    byte[] plain = plain(BackupCipher.SEGMENT * 2 + 12345);
    byte[] sealed = seal(plain);
    assertThat(open(sealed, PASSPHRASE)).isEqualTo(plain);
    assertThat(new String(sealed, java.nio.charset.StandardCharsets.ISO_8859_1))
        .doesNotContain(new String(plain, 0, 64, java.nio.charset.StandardCharsets.ISO_8859_1));
  }

  @Test
  void decrypt_ofExactlyOneSegmentOrNothing_givesThePlaintextBack() throws IOException {
    assertThat(open(seal(plain(BackupCipher.SEGMENT)), PASSPHRASE)).hasSize(BackupCipher.SEGMENT);
    assertThat(open(seal(new byte[0]), PASSPHRASE)).isEmpty();
  }

  @Test
  void decrypt_withWrongPassphrase_saysSo() throws IOException {
    byte[] sealed = seal(plain(1000));
    assertThatThrownBy(() -> open(sealed, "wrong".toCharArray()))
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("wrong passphrase");
  }

  @Test
  void decrypt_whenCutAtASegmentBoundary_saysTruncated() throws IOException {
    byte[] sealed = seal(plain(BackupCipher.SEGMENT * 2 + 10));
    int header = 8 + 1 + 4 + 16 + 7 + 16; // magic, format, iterations, salt, prefix, key check
    byte[] cut = Arrays.copyOf(sealed, header + BackupCipher.SEGMENT + 16);
    assertThatThrownBy(() -> open(cut, PASSPHRASE))
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("truncated backup");
  }

  @Test
  void decrypt_whenCutAnywhere_fails() throws IOException {
    byte[] sealed = seal(plain(BackupCipher.SEGMENT + 500));
    for (int length : new int[] {3, 40, 60, 1000, sealed.length - 1}) {
      byte[] cut = Arrays.copyOf(sealed, length);
      assertThatThrownBy(() -> open(cut, PASSPHRASE))
          .as("cut at %d", length)
          .isInstanceOf(BackupException.class)
          .hasMessageMatching("(?s).*(truncated|too short|corrupted).*");
    }
  }

  @Test
  void decrypt_withAFlippedByte_saysCorrupted() throws IOException {
    byte[] sealed = seal(plain(BackupCipher.SEGMENT + 500));
    sealed[sealed.length - 100] ^= 1;
    assertThatThrownBy(() -> open(sealed, PASSPHRASE))
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("corrupted")
        .hasMessageContaining("segment 1");
  }

  @Test
  void encrypt_ofCompressibleContent_writesItCompressed() throws IOException {
    byte[] text =
        "INSERT audit event: call_job /api/v1/perform by user-7\n"
            .repeat(100_000)
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] sealed = seal(text);
    assertThat(sealed.length).isLessThan(text.length / 20);
    assertThat(open(sealed, PASSPHRASE)).isEqualTo(text);
  }

  @Test
  void decrypt_ofAnUncompressedFormatOneBackup_givesThePlaintextBack() throws IOException {
    byte[] plain = plain(BackupCipher.SEGMENT + 77);
    ByteArrayOutputStream sealed = new ByteArrayOutputStream();
    try (OutputStream out = new BackupCipher(1000, false).encrypt(sealed, PASSPHRASE)) {
      out.write(plain);
    }
    assertThat(sealed.toByteArray()[8]).isEqualTo((byte) 1);
    assertThat(open(sealed.toByteArray(), PASSPHRASE)).isEqualTo(plain);
  }

  @Test
  void decrypt_ofSomethingElse_saysItIsNoBackup() {
    byte[] other = "PK\u0003\u0004 this is a zip file, not a backup at all........".getBytes();
    assertThatThrownBy(() -> open(other, PASSPHRASE))
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("not a Racetrack backup");
  }
}
