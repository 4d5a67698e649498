package dev.racetrack.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PasswordPromptTest {
  private static PasswordPrompt piped(String stdin) {
    return new PasswordPrompt(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void existingThenChosen_whenPiped_readOneLineEach() {
    PasswordPrompt prompt = piped("old pass\r\nnew pass\nignored\n");

    assertThat(prompt.existing("Current password")).isEqualTo("old pass");
    assertThat(prompt.chosen("New password")).isEqualTo("new pass");
  }

  @Test
  void chosen_whenPiped_keepsSpacesAsTyped() {
    assertThat(piped("  spaced  \n").chosen("Password")).isEqualTo("  spaced  ");
  }

  @Test
  void chosen_whenPipedWithoutTrailingNewline_readsTheLine() {
    assertThat(piped("last").chosen("Password")).isEqualTo("last");
  }

  @Test
  void existing_withEmptyStdin_failsNamingWhatIsMissing() {
    assertThatThrownBy(() -> piped("").existing("Password"))
        .isInstanceOf(CliException.class)
        .hasMessage("no password on standard input");
  }

  @Test
  void chosen_withEmptyLine_failsNamingWhatIsMissingAndKeepsUsernameCase() {
    assertThatThrownBy(() -> piped("\n").chosen("New password for Bob@Example.com"))
        .isInstanceOf(CliException.class)
        .hasMessage("no new password for Bob@Example.com on standard input");
  }

  @Test
  void chosen_afterStdinRanOut_failsNamingTheSecondPassword() {
    PasswordPrompt prompt = piped("only-one\n");
    prompt.existing("Current password");

    assertThatThrownBy(() -> prompt.chosen("New password"))
        .isInstanceOf(CliException.class)
        .hasMessage("no new password on standard input");
  }
}
