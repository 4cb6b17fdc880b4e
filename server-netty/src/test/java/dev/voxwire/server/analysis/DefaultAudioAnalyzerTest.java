package dev.voxwire.server.analysis;

import static dev.voxwire.server.analysis.TestAudio.concat;
import static dev.voxwire.server.analysis.TestAudio.noise;
import static dev.voxwire.server.analysis.TestAudio.silence;
import static dev.voxwire.server.analysis.TestAudio.sine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.voxwire.core.audio.PcmAudio;
import dev.voxwire.server.AnalysisProgress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

class DefaultAudioAnalyzerTest {
    private static final int RATE = 16_000;

    private static AudioMeasures measure(DefaultAudioAnalyzer a, short[] samples) {
        return a.measure(PcmAudio.ofSamples(samples, RATE, 1));
    }

    @Test
    void aQuietToneIsVoicedOnlyWhenTheThresholdIsBelowItsLevel() {
        short[] quiet = concat(silence(200, RATE), sine(200, 200, 500, RATE), silence(200, RATE)); // about -47 dBFS rms

        assertThat(measure(DefaultAudioAnalyzer.ofDefaults(), quiet).voicedSegments()).isEmpty();
        AudioMeasures sensitive = measure(DefaultAudioAnalyzer.builder().thresholdDbfs(-55).build(), quiet);
        assertThat(sensitive.voicedSegments()).hasSize(1);
        assertThat(sensitive.voicedSegments().get(0).startMs()).isCloseTo(200L, within(30L));
        assertThat(sensitive.voicedSegments().get(0).endMs()).isCloseTo(700L, within(30L));
    }

    @Test
    void theHangoverBridgesShortPausesButNotLongerOnes() {
        short[] twoBursts = concat(sine(200, 10_000, 300, RATE), silence(100, RATE), sine(200, 10_000, 300, RATE));

        assertThat(measure(DefaultAudioAnalyzer.ofDefaults(), twoBursts).voicedSegments())
                .containsExactly(new VoicedSegment(0, 700));
        assertThat(measure(DefaultAudioAnalyzer.builder().hangover(Duration.ofMillis(50)).build(), twoBursts)
                .voicedSegments()).hasSize(2);
    }

    @Test
    void hysteresisKeepsASegmentGoingThroughAFadeJustBelowTheThreshold() {
        // Loud, then a stretch at about -43 dBFS (below the -40 threshold, above -46), then loud again.
        short[] audio = concat(sine(200, 10_000, 200, RATE), sine(200, 300, 400, RATE), sine(200, 10_000, 200, RATE));

        assertThat(measure(DefaultAudioAnalyzer.ofDefaults(), audio).voicedSegments()).hasSize(1);
        assertThat(measure(DefaultAudioAnalyzer.builder().hysteresisDb(0).build(), audio).voicedSegments())
                .hasSize(2);
    }

    @Test
    void clicksShorterThanTheMinimumSegmentAreIgnored() {
        short[] click = concat(silence(300, RATE), sine(200, 20_000, 20, RATE), silence(300, RATE));

        assertThat(measure(DefaultAudioAnalyzer.ofDefaults(), click).voicedSegments()).isEmpty();
        assertThat(measure(DefaultAudioAnalyzer.builder().minSegment(Duration.ZERO).build(), click).voicedSegments())
                .hasSize(1);
    }

    @Test
    void noiseAndTonesOutsideThePitchRangeHaveNoPitch() {
        assertThat(measure(DefaultAudioAnalyzer.ofDefaults(), noise(5_000, 500, RATE, 7)).pitchHz()).isEmpty();
        assertThat(measure(DefaultAudioAnalyzer.ofDefaults(), sine(1_000, 10_000, 500, RATE)).pitchHz()).isEmpty();
        assertThat(measure(DefaultAudioAnalyzer.builder().pitchRange(100, 1500).build(), sine(1_000, 10_000, 500, RATE))
                .pitchHz()).hasValueCloseTo(1_000.0, within(5.0));
    }

    @Test
    void findsPitchAcrossTheDefaultRange() {
        for (double hz : new double[] {80, 120, 220, 330, 480}) {
            assertThat(measure(DefaultAudioAnalyzer.ofDefaults(), sine(hz, 12_000, 400, RATE)).pitchHz())
                    .as("%s Hz", hz).hasValueCloseTo(hz, within(3.0));
        }
    }

    @Test
    void averagesChannelsAndWorksAtAnyRate() {
        short[] stereo = TestAudio.toChannels(sine(150, 12_000, 400, 8_000), 2);

        AudioMeasures m = DefaultAudioAnalyzer.ofDefaults().measure(PcmAudio.ofSamples(stereo, 8_000, 2));

        assertThat(m.durationMs()).isEqualTo(400);
        assertThat(m.pitchHz()).hasValueCloseTo(150.0, within(3.0));
    }

    @Test
    void reportsThreeProgressStepsAndStopsWhenCancelled() {
        List<Double> reported = new ArrayList<>();
        DefaultAudioAnalyzer.ofDefaults().measure(PcmAudio.ofSamples(sine(200, 10_000, 200, RATE), RATE, 1),
                progress(reported, false));
        assertThat(reported).containsExactly(1 / 3.0, 2 / 3.0, 1.0);

        List<Double> cancelled = new ArrayList<>();
        assertThatThrownBy(() -> DefaultAudioAnalyzer.ofDefaults()
                .measure(PcmAudio.ofSamples(sine(200, 10_000, 200, RATE), RATE, 1), progress(cancelled, true)))
                .isInstanceOf(CancellationException.class);
        assertThat(cancelled).containsExactly(1 / 3.0);
    }

    @Test
    void settingsAreCheckedAndShowTheBadValue() {
        assertThatThrownBy(() -> DefaultAudioAnalyzer.builder().frameDuration(Duration.ZERO))
                .hasMessage("frameDuration: PT0S (expected: PT0.001S..PT0.1S)");
        assertThatThrownBy(() -> DefaultAudioAnalyzer.builder().thresholdDbfs(3))
                .hasMessage("thresholdDbfs: 3.0 (expected: -120..0)");
        assertThatThrownBy(() -> DefaultAudioAnalyzer.builder().hysteresisDb(-1))
                .hasMessage("hysteresisDb: -1.0 (expected: 0..40)");
        assertThatThrownBy(() -> DefaultAudioAnalyzer.builder().hangover(Duration.ofMillis(-1)))
                .hasMessage("hangover: PT-0.001S (expected: >= 0)");
        assertThatThrownBy(() -> DefaultAudioAnalyzer.builder().pitchRange(300, 200))
                .hasMessage("pitchRange: 300.0..200.0 (expected: 20 <= min < max <= 2000)");
        assertThatThrownBy(() -> DefaultAudioAnalyzer.builder().yinThreshold(1))
                .hasMessage("yinThreshold: 1.0 (expected: > 0 and < 1)");
    }

    @Test
    void toBuilderKeepsTheSettings() {
        DefaultAudioAnalyzer a = DefaultAudioAnalyzer.builder().thresholdDbfs(-50).hangover(Duration.ofMillis(80)).build();

        DefaultAudioAnalyzer b = a.toBuilder().build();

        assertThat(b.thresholdDbfs()).isEqualTo(-50);
        assertThat(b.hangover()).isEqualTo(Duration.ofMillis(80));
        assertThat(b.toString()).isEqualTo(a.toString());
        assertThat(DefaultAudioAnalyzer.ofDefaults().name()).isEqualTo("energy-pitch");
    }

    private static AnalysisProgress progress(List<Double> reported, boolean cancelled) {
        return new AnalysisProgress() {
            @Override
            public void report(String stage, double fraction) {
                reported.add(fraction);
            }

            @Override
            public boolean isCancelled() {
                return cancelled;
            }
        };
    }
}
