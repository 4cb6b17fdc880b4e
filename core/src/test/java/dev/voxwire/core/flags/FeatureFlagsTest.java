package dev.voxwire.core.flags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FeatureFlagsTest {

    record Change(String key, @Nullable String oldValue, @Nullable String newValue) {
    }

    static final class Recorder implements FlagListener {
        final List<Change> changes = new ArrayList<>();

        @Override
        public void onChange(String key, @Nullable String oldValue, @Nullable String newValue) {
            changes.add(new Change(key, oldValue, newValue));
        }
    }

    private final Map<String, String> env = new HashMap<>();
    private final Properties sys = new Properties();
    private final MapConfigSource base = MapConfigSource.of("base", Map.of());
    private final MapConfigSource overlay = MapConfigSource.of("overlay", Map.of());

    private FeatureFlags flags() {
        return FeatureFlags.builder().source(base).source(overlay).environment(env).systemProperties(sys).build();
    }

    @Test
    void layersFromLowestToHighestAreSourcesEnvironmentSystemPropertiesOverrides() {
        base.put("voxwire.transport", "from-base");
        FeatureFlags f = flags();
        assertThat(f.string("voxwire.transport")).contains("from-base");
        assertThat(f.origin("voxwire.transport")).contains("base");

        overlay.put("voxwire.transport", "from-overlay");
        assertThat(f.string("voxwire.transport")).contains("from-overlay");

        env.put("VOXWIRE_TRANSPORT", "from-env");
        f.refresh();
        assertThat(f.string("voxwire.transport")).contains("from-env");
        assertThat(f.origin("voxwire.transport")).contains("environment VOXWIRE_TRANSPORT");

        sys.setProperty("voxwire.transport", "from-sys");
        f.refresh();
        assertThat(f.string("voxwire.transport")).contains("from-sys");
        assertThat(f.origin("voxwire.transport")).contains("system property");

        f.set("voxwire.transport", "from-override");
        assertThat(f.string("voxwire.transport")).contains("from-override");
        assertThat(f.origin("voxwire.transport")).contains("override");

        f.clear("voxwire.transport");
        assertThat(f.string("voxwire.transport")).contains("from-sys");
    }

    @Test
    void environmentNamesAreUpperCaseWithUnderscores() {
        env.put("VOXWIRE_TRANSPORT_FALLBACK", "sse, long-poll");
        env.put("VOXWIRE_TRANSPORT_FALLBACK_RETRY_PRIMARY_AFTER", "2m");
        env.put("OTHER_THING", "ignored");
        FeatureFlags f = flags();

        assertThat(FeatureFlags.environmentName("voxwire.transport.fallback.retry-primary-after"))
                .isEqualTo("VOXWIRE_TRANSPORT_FALLBACK_RETRY_PRIMARY_AFTER");
        assertThat(f.list("voxwire.transport.fallback")).containsExactly("sse", "long-poll");
        assertThat(f.duration("voxwire.transport.fallback.retry-primary-after")).contains(Duration.ofMinutes(2));
        assertThat(f.string("other.thing")).isEmpty();
    }

    @Test
    void onlyVoxwireSystemPropertiesCount() {
        sys.setProperty("user.name", "x");
        sys.setProperty("voxwire.a", "1");
        FeatureFlags f = flags();

        assertThat(f.snapshot()).containsOnlyKeys("voxwire.a");
    }

    @Test
    void fromEnvironmentReadsRealSystemProperties() {
        String key = "voxwire.test.from-environment." + System.nanoTime();
        System.setProperty(key, "yes");
        try {
            assertThat(FeatureFlags.fromEnvironment().bool(key)).contains(true);
        } finally {
            System.clearProperty(key);
        }
    }

    @ParameterizedTest
    @CsvSource({"true,true", "TRUE,true", "yes,true", "on,true", "1,true", "false,false", "No,false", "off,false",
        "0,false"})
    void booleansAcceptCommonSpellings(String value, boolean expected) {
        FeatureFlags f = FeatureFlags.of(Map.of("voxwire.x", value));
        assertThat(f.bool("voxwire.x")).contains(expected);
    }

    @ParameterizedTest
    @CsvSource({"PT30S,30000", "pt1m,60000", "30s,30000", "500ms,500", "2m,120000", "1h,3600000", "1d,86400000",
        "' 15 s ',15000", "0s,0"})
    void durationsAcceptIsoAndFriendlyForms(String value, long millis) {
        FeatureFlags f = FeatureFlags.of(Map.of("voxwire.d", value));
        assertThat(f.duration("voxwire.d")).contains(Duration.ofMillis(millis));
    }

    @Test
    void unparsableValuesNameTheKeyTheValueAndWhereItCameFrom() {
        sys.setProperty("voxwire.flag", "maybe");
        base.put("voxwire.count", "ten");
        base.put("voxwire.wait", "soon");
        base.put("voxwire.wait2", "30 parsecs");
        FeatureFlags f = flags();

        assertThatThrownBy(() -> f.bool("voxwire.flag")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("voxwire.flag: 'maybe' (expected: true or false; set by system property)");
        assertThatThrownBy(() -> f.bool("voxwire.flag", true)).hasMessageContaining("'maybe'");
        assertThatThrownBy(() -> f.intValue("voxwire.count"))
                .hasMessage("voxwire.count: 'ten' (expected: an integer; set by base)");
        assertThatThrownBy(() -> f.intValue("voxwire.count", 3)).hasMessageContaining("'ten'");
        assertThatThrownBy(() -> f.duration("voxwire.wait")).hasMessageStartingWith("voxwire.wait: 'soon' (expected: a duration");
        assertThatThrownBy(() -> f.duration("voxwire.wait2", Duration.ZERO)).hasMessageContaining("'30 parsecs'");
        assertThatThrownBy(() -> f.string(" ")).hasMessageContaining("key: ' '");
    }

    @Test
    void defaultsApplyOnlyWhenUnset() {
        FeatureFlags f = FeatureFlags.of(Map.of("voxwire.n", "7", "voxwire.empty-list", " , "));

        assertThat(f.intValue("voxwire.n", 1)).isEqualTo(7);
        assertThat(f.intValue("voxwire.missing", 1)).isEqualTo(1);
        assertThat(f.bool("voxwire.missing", true)).isTrue();
        assertThat(f.string("voxwire.missing", "dflt")).isEqualTo("dflt");
        assertThat(f.duration("voxwire.missing", Duration.ofSeconds(4))).isEqualTo(Duration.ofSeconds(4));
        assertThat(f.list("voxwire.missing", List.of("a"))).containsExactly("a");
        assertThat(f.list("voxwire.missing")).isEmpty();
        assertThat(f.list("voxwire.empty-list", List.of("a"))).as("set but blank").isEmpty();
        assertThat(FeatureFlags.empty().snapshot()).isEmpty();
    }

    @Test
    void setAndClearNotifyWithOldAndNewValues() {
        base.put("voxwire.transport", "websocket");
        FeatureFlags f = flags();
        Recorder r = new Recorder();
        f.onChange("voxwire.transport", r);

        f.set("voxwire.transport", "sse");
        f.set("voxwire.transport", "sse");
        f.clear("voxwire.transport");

        assertThat(r.changes).containsExactly(
                new Change("voxwire.transport", "websocket", "sse"),
                new Change("voxwire.transport", "sse", "websocket"));
    }

    @Test
    void listenersSeeTheNewValueAlreadyInEffect() {
        FeatureFlags f = flags();
        List<String> seen = new ArrayList<>();
        f.onChange("voxwire.transport", (k, o, n) -> seen.add(f.string(k, "unset")));

        f.set("voxwire.transport", "sse");

        assertThat(seen).containsExactly("sse");
    }

    @Test
    void aPrefixListenerHearsEveryKeyBelowIt() {
        FeatureFlags f = flags();
        Recorder transport = new Recorder();
        Recorder all = new Recorder();
        Recorder other = new Recorder();
        f.onChange("voxwire.transport", transport);
        f.onChange("voxwire.", all);
        f.onChange("voxwire.trans", other);

        f.set("voxwire.transport.fallback", "sse");
        f.set("voxwire.metrics.enabled", "true");

        assertThat(transport.changes).containsExactly(new Change("voxwire.transport.fallback", null, "sse"));
        assertThat(all.changes).extracting(Change::key)
                .containsExactly("voxwire.transport.fallback", "voxwire.metrics.enabled");
        assertThat(other.changes).as("prefixes match whole segments").isEmpty();
    }

    @Test
    void refreshNotifiesOfSystemPropertyAndEnvironmentChanges() {
        FeatureFlags f = flags();
        Recorder r = new Recorder();
        f.onChange("voxwire.transport", r);

        sys.setProperty("voxwire.transport", "sse");
        assertThat(r.changes).as("not before refresh").isEmpty();
        f.refresh();
        env.put("VOXWIRE_TRANSPORT_FALLBACK_RETRY_PRIMARY_AFTER", "1m");
        f.refresh();
        f.refresh();
        sys.remove("voxwire.transport");
        f.refresh();

        assertThat(r.changes).containsExactly(
                new Change("voxwire.transport", null, "sse"),
                new Change("voxwire.transport.fallback.retry.primary.after", null, "1m"),
                new Change("voxwire.transport", "sse", null));
    }

    @Test
    void environmentChangesAreReportedUnderTheKeyInUse() {
        FeatureFlags f = flags();
        Recorder r = new Recorder();
        f.onChange("voxwire.transport.fallback.retry-primary-after", r);

        env.put("VOXWIRE_TRANSPORT_FALLBACK_RETRY_PRIMARY_AFTER", "1m");
        f.refresh();

        assertThat(r.changes).containsExactly(
                new Change("voxwire.transport.fallback.retry-primary-after", null, "1m"));
    }

    @Test
    void aConfigSourcePushNotifies() {
        FeatureFlags f = flags();
        Recorder r = new Recorder();
        f.onChange("voxwire.", r);

        base.put("voxwire.transport", "sse");
        overlay.replaceAll(Map.of("voxwire.transport", "long-poll", "voxwire.x", "1"));
        base.remove("voxwire.transport");

        assertThat(r.changes).containsExactly(
                new Change("voxwire.transport", null, "sse"),
                new Change("voxwire.transport", "sse", "long-poll"),
                new Change("voxwire.x", null, "1"));
    }

    @Test
    void aShadowedChangeDoesNotNotify() {
        FeatureFlags f = flags();
        f.set("voxwire.transport", "websocket");
        Recorder r = new Recorder();
        f.onChange("voxwire.transport", r);

        base.put("voxwire.transport", "sse");

        assertThat(r.changes).isEmpty();
        assertThat(f.string("voxwire.transport")).contains("websocket");
    }

    @Test
    void unsubscribedListenersAreNotCalledAndAThrowingListenerDoesNotStopOthers() {
        FeatureFlags f = flags();
        Recorder r = new Recorder();
        Recorder after = new Recorder();
        f.onChange("voxwire.a", (k, o, n) -> {
            throw new IllegalStateException("boom");
        });
        var s = f.onChange("voxwire.a", r);
        f.onChange("voxwire.a", after);

        f.set("voxwire.a", "1");
        s.cancel();
        f.set("voxwire.a", "2");

        assertThat(r.changes).hasSize(1);
        assertThat(after.changes).hasSize(2);
    }

    @Test
    void propertiesFileSourceReloadsAndPushes(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("voxwire.properties");
        Files.writeString(file, "voxwire.transport = sse\nvoxwire.transport.fallback=websocket\n",
                StandardCharsets.UTF_8);
        PropertiesFileConfigSource source = PropertiesFileConfigSource.of(file);
        FeatureFlags f = FeatureFlags.builder().source(source).build();
        Recorder r = new Recorder();
        f.onChange("voxwire.transport", r);

        assertThat(source.name()).isEqualTo("file:" + file);
        assertThat(f.string("voxwire.transport")).contains("sse");
        assertThat(source.reload()).as("unchanged").isFalse();

        Files.writeString(file, "voxwire.transport=websocket\n", StandardCharsets.UTF_8);
        assertThat(source.reload()).isTrue();

        assertThat(f.string("voxwire.transport")).contains("websocket");
        assertThat(r.changes).containsExactlyInAnyOrder(
                new Change("voxwire.transport", "sse", "websocket"),
                new Change("voxwire.transport.fallback", "websocket", null));

        Files.delete(file);
        assertThat(source.reload()).isTrue();
        assertThat(f.string("voxwire.transport")).isEmpty();
    }

    @Test
    void aMissingPropertiesFileIsEmpty(@TempDir Path dir) {
        PropertiesFileConfigSource source = PropertiesFileConfigSource.of(dir.resolve("absent.properties"));
        assertThat(source.values()).isEmpty();
    }

    @Test
    void mapConfigSourceRejectsNulls() {
        MapConfigSource s = MapConfigSource.create();
        assertThatThrownBy(() -> s.put("k", null)).hasMessage("value");
        assertThatThrownBy(() -> s.put(null, "v")).hasMessage("key");
        assertThat(s.put("k", "v").values()).containsEntry("k", "v");
    }
}
