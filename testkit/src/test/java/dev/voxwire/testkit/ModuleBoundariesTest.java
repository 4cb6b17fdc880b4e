package dev.voxwire.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The testkit core must work without JUnit: only the junit5 package may use it. */
class ModuleBoundariesTest {
    private static final Path MAIN = Path.of("src", "main", "java", "dev", "voxwire", "testkit");

    @Test
    void onlyTheJunit5PackageImportsJunit() throws IOException {
        assertThat(MAIN).isDirectory();
        List<Path> offenders;
        try (Stream<Path> files = Files.walk(MAIN)) {
            offenders = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !p.startsWith(MAIN.resolve("junit5")))
                    .filter(ModuleBoundariesTest::mentionsJunit)
                    .collect(Collectors.toList());
        }
        assertThat(offenders).isEmpty();
    }

    @Test
    void theJunit5PackageUsesOnlyTheJupiterApi() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN.resolve("junit5"))) {
            List<String> imports = files.filter(p -> p.toString().endsWith(".java"))
                    .flatMap(ModuleBoundariesTest::lines)
                    .filter(l -> l.startsWith("import org.junit"))
                    .distinct().collect(Collectors.toList());
            assertThat(imports).isNotEmpty().allMatch(l -> l.startsWith("import org.junit.jupiter.api."));
        }
    }

    private static boolean mentionsJunit(Path p) {
        return lines(p).anyMatch(l -> l.contains("org.junit"));
    }

    private static Stream<String> lines(Path p) {
        try {
            return Files.readAllLines(p).stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
