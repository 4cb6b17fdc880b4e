package dev.voxwire.benchmarks;

import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the benchmarks: {@code java -jar benchmarks/target/benchmarks.jar [JMH options]}. Unless
 * {@code -p transport=...} is given, only transports with a provider on the class path are
 * measured; the others are reported as skipped.
 */
public final class BenchmarkMain {
    /** Transports the benchmarks know how to address, in report order. */
    static final List<String> KNOWN = List.of("websocket", "sse");

    private BenchmarkMain() {
    }

    public static void main(String[] args) throws Exception {
        CommandLineOptions cli = new CommandLineOptions(args);
        ChainedOptionsBuilder options = new OptionsBuilder().parent(cli);
        if (cli.getIncludes().isEmpty()) {
            options.include(TransportLatencyBenchmark.class.getSimpleName());
        }
        if (!cli.getParameter("transport").hasValue()) {
            List<String> present = new ArrayList<>();
            for (String name : KNOWN) {
                if (TransportLatencyBenchmark.provider(name).isPresent()) {
                    present.add(name);
                } else {
                    System.out.println("# transport '" + name + "': no provider on the class path, skipped");
                }
            }
            if (present.isEmpty()) {
                System.out.println("# no transport to measure");
                return;
            }
            options.param("transport", present.toArray(new String[0]));
        }
        new Runner(options.build()).run();
    }
}
