package dev.voxwire.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Java snippets of docs/testing.md and the README marked {@code <!-- snippet: NAME -->} must be
 * exact copies of the regions between {@code // docs:NAME} and {@code // end:NAME} in the tests of
 * this module and of the examples module, so the documentation shows code that compiles and passes.
 */
class DocsSnippetsTest {
    private static final Pattern REGION = Pattern.compile("(?m)^[ \\t]*// docs:([\\w-]+)\\n(.*?)^[ \\t]*// end:\\1\\n", Pattern.DOTALL);
    private static final Pattern SNIPPET = Pattern.compile("<!-- snippet: ([\\w-]+) -->\\n```java\\n(.*?)\\n```", Pattern.DOTALL);

    @ParameterizedTest
    @ValueSource(strings = {"../docs/testing.md", "README.md"})
    void snippetsAreCopiesOfTestedCode(String doc) throws IOException {
        Map<String, String> regions = regions();
        String text = Files.readString(Path.of(doc));
        Matcher m = SNIPPET.matcher(text);
        int count = 0;
        while (m.find()) {
            count++;
            String name = m.group(1);
            assertThat(regions).as("test region for snippet '%s' of %s", name, doc).containsKey(name);
            assertThat(m.group(2)).as("snippet '%s' of %s", name, doc).isEqualTo(regions.get(name));
        }
        assertThat(count).as("snippets in %s", doc).isPositive();
        assertThat(text.split("<!-- snippet: ", -1).length - 1).as("markers without a java block in %s", doc).isEqualTo(count);
        assertThat(text.split("```java", -1).length - 1).as("java blocks that are not copies of tests in %s", doc).isEqualTo(count);
    }

    private static Map<String, String> regions() throws IOException {
        Map<String, String> out = new HashMap<>();
        List<Path> sources = new java.util.ArrayList<>();
        // this module's tests, and the examples module's (docs/testing.md quotes both)
        for (Path root : List.of(Path.of("src", "test", "java"), Path.of("..", "examples", "src", "test", "java"))) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(p -> p.toString().endsWith(".java")).forEach(sources::add);
            }
        }
        for (Path p : sources) {
            Matcher m = REGION.matcher(read(p));
            while (m.find()) {
                out.put(m.group(1), dedent(m.group(2)));
            }
        }
        return out;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String dedent(String block) {
        List<String> lines = block.lines().collect(Collectors.toList());
        int indent = lines.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        String joined = lines.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).collect(Collectors.joining("\n"));
        return joined.stripTrailing();
    }
}
