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

/**
 * The testkit core must work without JUnit: only the junit5 package and the compatibility kit
 * (an abstract JUnit test class by nature) may use it, and only the Jupiter API.
 */
class ModuleBoundariesTest {
    private static final Path MAIN = Path.of("src", "main", "java", "dev", "voxwire", "testkit");

    @Test
    void onlyTheJunit5AndCompatPackagesImportJunit() throws IOException {
        assertThat(MAIN).isDirectory();
        List<Path> offenders;
        try (Stream<Path> files = Files.walk(MAIN)) {
            offenders = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !p.startsWith(MAIN.resolve("junit5")) && !p.startsWith(MAIN.resolve("compat")))
                    .filter(ModuleBoundariesTest::mentionsJunit)
                    .collect(Collectors.toList());
        }
        assertThat(offenders).isEmpty();
    }

    @Test
    void theJunit5AndCompatPackagesUseOnlyTheJupiterApi() throws IOException {
        try (Stream<Path> files = Stream.concat(Files.walk(MAIN.resolve("junit5")), Files.walk(MAIN.resolve("compat")))) {
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
