package dev.steno.obs.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.steno.obs.caption.CaptionSink;
import dev.steno.obs.caption.CaptionText;
import dev.steno.obs.caption.CommittedWords;
import dev.steno.obs.caption.LineWrapper;
import dev.steno.obs.websocket.ObsClient;
import dev.steno.obs.websocket.ObsRequestException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;

/**
 * Subtitles burnt into the picture through an OBS text source: {@code SetInputSettings} with the last N lines of M
 * characters of text, tentative words included, at most a few updates per second. The source is created in the
 * current program scene (bottom centre) when it does not exist. Works whether or not OBS streams or records.
 */
public final class TextSourceSink implements CaptionSink, ObsClient.Listener {
    private static final System.Logger LOG = System.getLogger(TextSourceSink.class.getName());

    /**
     * @param inputName   the text source's name in OBS
     * @param inputKind   OBS input kind, or null to pick by platform ({@code text_gdiplus_v2} on Windows,
     *                    {@code text_ft2_source_v2} elsewhere)
     * @param lines       lines shown
     * @param width       characters per line
     * @param fontSize    font size for a source this sink creates
     * @param minInterval least time between two updates
     * @param partials    show tentative words too
     */
    public record Options(String inputName, String inputKind, int lines, int width, int fontSize, Duration minInterval,
                          boolean partials) {
        public Options {
            Objects.requireNonNull(inputName, "inputName");
            if (inputName.isBlank()) {
                throw new IllegalArgumentException("the OBS text source needs a name");
            }
            if (lines < 1 || lines > 10 || width < 8 || width > 200) {
                throw new IllegalArgumentException("text source size must be 1..10 lines of 8..200 characters, was "
                        + lines + " x " + width);
            }
            if (fontSize < 6 || minInterval.isNegative()) {
                throw new IllegalArgumentException("font size must be >= 6 and the update interval >= 0");
            }
        }

        /** "Steno Captions", 2 lines of 42 characters, 48 px, 5 updates/s, partials shown. */
        public static Options defaults() {
            return new Options("Steno Captions", null, 2, 42, 48, Duration.ofMillis(200), true);
        }
    }

    private final ObsClient obs;
    private final Options options;
    private final Throttle throttle;
    private final CaptionText text = new CaptionText();
    // guarded by this
    private String wanted = "";
    private String shown;
    private boolean ready;
    private boolean preparing;

    /** @param timer runs the throttled updates (shared, owned by the caller) */
    public TextSourceSink(ObsClient obs, Options options, ScheduledExecutorService timer) {
        this(obs, options, timer, System::nanoTime);
    }

    /**
     * @param timer     runs the throttled updates (shared, owned by the caller)
     * @param nanoClock the clock that spaces the updates, the timer's own time base ({@link System#nanoTime} for a
     *                  real executor)
     */
    public TextSourceSink(ObsClient obs, Options options, ScheduledExecutorService timer, LongSupplier nanoClock) {
        this.obs = obs;
        this.options = options;
        this.throttle = new Throttle(options.minInterval().toNanos(), timer, nanoClock, this::flush);
        obs.addListener(this);
        if (obs.identified()) {
            identified();
        }
    }

    @Override
    public String name() {
        return "obs-text-source";
    }

    @Override
    public void partial(String partial) {
        if (options.partials()) {
            synchronized (this) {
                text.partial(partial);
            }
            update();
        }
    }

    @Override
    public void committed(CommittedWords words) {
        synchronized (this) {
            text.commit(words);
        }
        update();
    }

    @Override
    public void silence() {
        synchronized (this) {
            text.clear();
        }
        update();
    }

    /** What the source should show now (the reflowed tail). */
    public synchronized String wantedText() {
        return wanted;
    }

    private void update() {
        synchronized (this) {
            wanted = LineWrapper.tail(options.partials() ? text.fullText() : text.committedText(), options.lines(),
                    options.width());
        }
        throttle.request();
    }

    /** Sends the newest text if it differs from what OBS shows; runs at most once per interval. */
    private void flush() {
        String next;
        synchronized (this) {
            if (!ready || wanted.equals(shown)) {
                return;
            }
            next = wanted;
            shown = next;
        }
        ObjectNode settings = ObsClient.data("text", next);
        obs.request("SetInputSettings", "inputName", options.inputName(), "inputSettings", settings)
                .whenComplete((r, error) -> {
                    if (error != null) {
                        Throwable cause = unwrap(error);
                        synchronized (this) {
                            shown = null;
                            if (cause instanceof ObsRequestException e && e.resourceNotFound()) {
                                ready = false; // someone deleted the source: make it again
                            }
                        }
                        LOG.log(System.Logger.Level.WARNING, "updating OBS text source '" + options.inputName()
                                + "' failed: " + cause.getMessage());
                        if (!isReady()) {
                            identified();
                        }
                    }
                });
    }

    private synchronized boolean isReady() {
        return ready;
    }

    /** Finds the text source, or creates it in the current program scene; then shows the current text. */
    @Override
    public void identified() {
        synchronized (this) {
            if (preparing) {
                return;
            }
            preparing = true;
            ready = false;
            shown = null;
        }
        obs.request("GetInputSettings", "inputName", options.inputName())
                .thenApply(found -> (Void) null)
                .exceptionallyCompose(error -> {
                    if (unwrap(error) instanceof ObsRequestException e && e.resourceNotFound()) {
                        return create();
                    }
                    return CompletableFuture.failedFuture(unwrap(error));
                })
                .whenComplete((v, error) -> {
                    synchronized (this) {
                        preparing = false;
                        ready = error == null;
                    }
                    if (error != null) {
                        LOG.log(System.Logger.Level.WARNING, "cannot set up OBS text source '" + options.inputName()
                                + "': " + unwrap(error).getMessage());
                    } else {
                        throttle.request();
                    }
                });
    }

    private CompletableFuture<Void> create() {
        CompletableFuture<String> kind = options.inputKind() != null
                ? CompletableFuture.completedFuture(options.inputKind())
                : obs.request("GetVersion").thenApply(v -> v.path("platform").asText().equals("windows")
                        ? "text_gdiplus_v2" : "text_ft2_source_v2");
        return obs.request("GetCurrentProgramScene").thenCombine(kind, (scene, k) -> new Object[] {
            sceneName(scene), k}).thenCompose(sk -> {
                String scene = (String) sk[0];
                String inputKind = (String) sk[1];
                ObjectNode settings = ObsClient.data("text", "", "outline", true, "drop_shadow", true);
                settings.set("font", ObsClient.data("face", inputKind.startsWith("text_gdiplus") ? "Arial" : "Sans Serif",
                        "size", options.fontSize(), "style", "Regular", "flags", 0));
                LOG.log(System.Logger.Level.INFO, "creating OBS text source ''{0}'' ({1}) in scene ''{2}''",
                        options.inputName(), inputKind, scene);
                return obs.request("CreateInput", "sceneName", scene, "inputName", options.inputName(),
                                "inputKind", inputKind, "inputSettings", settings, "sceneItemEnabled", true)
                        .thenCompose(created -> placeAtBottom(scene, created.path("sceneItemId").asInt(-1)));
            });
    }

    /** Bottom centre of the canvas, where viewers expect subtitles; failures here are cosmetic only. */
    private CompletableFuture<Void> placeAtBottom(String scene, int sceneItemId) {
        if (sceneItemId < 0) {
            return CompletableFuture.completedFuture(null);
        }
        return obs.request("GetVideoSettings").thenCompose(video -> {
            ObjectNode transform = ObsClient.data("alignment", 8, // OBS_ALIGN_BOTTOM, horizontally centred
                    "positionX", video.path("baseWidth").asDouble(1920) / 2,
                    "positionY", video.path("baseHeight").asDouble(1080) * 0.95);
            return obs.request("SetSceneItemTransform", "sceneName", scene, "sceneItemId", sceneItemId,
                    "sceneItemTransform", transform);
        }).handle((r, e) -> {
            if (e != null) {
                LOG.log(System.Logger.Level.INFO, "could not move the text source to the bottom: " + unwrap(e).getMessage());
            }
            return null;
        });
    }

    private static String sceneName(JsonNode scene) {
        return scene.hasNonNull("currentProgramSceneName") ? scene.path("currentProgramSceneName").asText()
                : scene.path("sceneName").asText();
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }
}
