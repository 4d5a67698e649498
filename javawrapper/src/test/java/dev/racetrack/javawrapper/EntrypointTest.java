package dev.racetrack.javawrapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EntrypointTest {

  @Test
  void load_withValidClass_exposesParametersAndExample() throws Exception {
    Entrypoint entrypoint = Entrypoint.load(TestJobs.Adder.class);

    assertThat(entrypoint.parameters()).extracting(JobParameter::name).containsExactly("numbers");
    assertThat(entrypoint.parameters().get(0).typeName()).isEqualTo("List<Double>");
    assertThat(entrypoint.inputExample())
        .hasValueSatisfying(
            example -> assertThat(example.toString()).isEqualTo("{\"numbers\":[40,2]}"));
  }

  @Test
  void load_withTwoPerformMethods_failsNamingTheClass() {
    assertThatThrownBy(() -> Entrypoint.load(TestJobs.TwoPerforms.class))
        .isInstanceOf(JobInitException.class)
        .hasMessageContaining(TestJobs.TwoPerforms.class.getName())
        .hasMessageContaining("found 2");
  }

  @Test
  void load_withoutPerformMethod_failsNamingTheClass() {
    assertThatThrownBy(() -> Entrypoint.load(TestJobs.NoPerform.class))
        .isInstanceOf(JobInitException.class)
        .hasMessageContaining(TestJobs.NoPerform.class.getName())
        .hasMessageContaining("found 0");
  }

  @Test
  void load_withoutNoArgConstructor_fails() {
    assertThatThrownBy(() -> Entrypoint.load(TestJobs.NeedsArgument.class))
        .isInstanceOf(JobInitException.class)
        .hasMessageContaining("public no-argument constructor");
  }

  @Test
  void load_withNonPublicClass_fails() {
    assertThatThrownBy(() -> Entrypoint.load(TestJobs.NotPublic.class))
        .isInstanceOf(JobInitException.class)
        .hasMessageContaining("must be a public concrete class");
  }

  @Test
  void load_whenConstructorThrows_passesTheExceptionOn() {
    assertThatThrownBy(() -> Entrypoint.load(TestJobs.ThrowingConstructor.class))
        .isInstanceOf(InvocationTargetException.class)
        .cause()
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no database");
  }

  @Test
  void load_withExampleThatIsNotJson_fails() {
    assertThatThrownBy(() -> Entrypoint.load(TestJobs.UnencodableExample.class))
        .isInstanceOf(JobInitException.class)
        .hasMessageContaining("docsInputExample()")
        .hasMessageContaining("not JSON-encodable");
  }

  @Test
  void load_withExampleOverOneMebibyte_fails() {
    assertThatThrownBy(() -> Entrypoint.load(TestJobs.HugeExample.class))
        .isInstanceOf(JobInitException.class)
        .hasMessageContaining("too large");
  }

  @Test
  void load_withExampleThatIsNotAMap_fails() {
    assertThatThrownBy(() -> Entrypoint.load(TestJobs.ExampleNotMap.class))
        .isInstanceOf(JobInitException.class)
        .hasMessageContaining("must return a Map");
  }

  @Test
  void load_whenCompiledWithoutParameterNames_failsExplainingHow(@TempDir Path dir)
      throws Exception {
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    assumeTrue(compiler != null, "no system Java compiler (running on a JRE): skipped");
    Path source = dir.resolve("NoNames.java");
    Files.writeString(
        source, "public class NoNames { public int perform(int a, int b) { return a + b; } }");
    Path classes = Files.createDirectory(dir.resolve("classes"));
    int status =
        compiler.run(
            null, null, null, "--release", "21", "-d", classes.toString(), source.toString());
    assertThat(status).isZero();

    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()})) {
      Class<?> noNames = loader.loadClass("NoNames");

      assertThatThrownBy(() -> Entrypoint.load(noNames))
          .isInstanceOf(JobInitException.class)
          .hasMessageContaining("NoNames.perform")
          .hasMessageContaining("arg0, arg1")
          .hasMessageContaining("-parameters");
    }
  }

  @Test
  void of_withInstance_describesIt() {
    TestJobs.Recorder recorder = new TestJobs.Recorder();

    Entrypoint entrypoint = Entrypoint.of(recorder);

    assertThat(entrypoint.className()).isEqualTo(TestJobs.Recorder.class.getName());
    assertThat(entrypoint.toString()).endsWith("Recorder.perform(String message)");
  }

  @Test
  void load_withWebSocketEndpoints_exposesThemByPath() throws Exception {
    Entrypoint entrypoint = Entrypoint.load(TestJobs.WebSockets.class);

    assertThat(entrypoint.webSocketEndpoints()).containsOnlyKeys("/ws/echo");
    assertThat(Entrypoint.load(TestJobs.Adder.class).webSocketEndpoints()).isEmpty();
  }

  @Test
  void load_withWebSocketEndpointAtAWrapperRoute_failsNamingThePath() {
    assertThatThrownBy(() -> Entrypoint.load(TestJobs.WebSocketAtReservedPath.class))
        .isInstanceOf(JobInitException.class)
        .hasMessageContaining("'/api/v1/perform'");
  }

  @Test
  void load_withWebSocketEndpointThatIsNotAHandler_fails() {
    assertThatThrownBy(() -> Entrypoint.load(TestJobs.WebSocketNotAHandler.class))
        .isInstanceOf(JobInitException.class)
        .hasMessageContaining("must be a WebSocketHandler");
  }
}
