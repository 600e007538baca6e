package io.gadgetflow.web;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gadgetflow.api.config.Settings;
import io.gadgetflow.api.health.Supervision;
import io.gadgetflow.api.kube.CallDeadline;
import io.gadgetflow.web.access.Authenticator;
import io.gadgetflow.web.access.Authorizer;
import io.gadgetflow.web.access.BearerToken;
import io.gadgetflow.web.access.LocalToken;
import io.gadgetflow.web.access.OriginCheck;
import io.gadgetflow.web.kube.TraceStore;
import io.gadgetflow.web.live.EventReplay;
import io.gadgetflow.web.live.LiveEvent;
import io.gadgetflow.web.live.LiveEventCodec;
import io.gadgetflow.web.live.LiveFeed;
import io.gadgetflow.web.live.NodeDirectory;
import io.gadgetflow.web.live.WebSocketClients;
import io.gadgetflow.web.rest.ApiRouter;
import io.gadgetflow.web.rest.EventSocketLimits;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web UI: the dashboard's files, a REST API over Traces and a websocket per watched trace. It
 * acts on Traces with its own Kubernetes identity after the API server confirmed who the user is
 * and that they may; events come from one Kafka consumer for the whole instance.
 */
public final class WebVerticle extends VerticleBase implements Supervision.Supervised {
  private static final Logger LOG = LoggerFactory.getLogger(WebVerticle.class);
  private static final int KUBERNETES_WORKERS = 8;

  /** Replays read Kafka for up to seconds each; a few at a time keep the rest of the pool free. */
  private static final int REPLAY_WORKERS = 2;

  private final WebConfig config;
  private final KubernetesClient client;
  private final Clock clock;
  private final LocalToken localToken;
  private final MeterRegistry registry;
  private final Supervision supervision = new Supervision();

  private WorkerExecutor kubernetesWorkers;
  private WorkerExecutor replayWorkers;
  private LiveFeed feed;
  private HttpServer server;

  /** A web UI whose meters are kept in memory only. */
  public WebVerticle(WebConfig config, KubernetesClient client, Clock clock) {
    this(config, client, clock, new SimpleMeterRegistry());
  }

  /**
   * @param registry where the web UI's meters go (see {@link WebSocketClients})
   */
  public WebVerticle(
      WebConfig config, KubernetesClient client, Clock clock, MeterRegistry registry) {
    this.registry = registry;
    this.config = config;
    this.client = client;
    this.clock = clock;
    this.localToken = config.localMode() ? LocalToken.random() : null;
  }

  /** The live feed: when it dies, no socket streams any more. */
  @Override
  public Supervision supervision() {
    return supervision;
  }

  @Override
  public Future<?> start() {
    LOG.info("Web UI starting with {}", config);
    kubernetesWorkers =
        vertx.createSharedWorkerExecutor("gadgetflow-web-kubernetes", KUBERNETES_WORKERS);
    replayWorkers = vertx.createSharedWorkerExecutor("gadgetflow-web-replay", REPLAY_WORKERS);
    vertx.eventBus().registerDefaultCodec(LiveEvent.class, new LiveEventCodec());
    CallDeadline deadline = new CallDeadline(CallDeadline.KUBERNETES);
    NodeDirectory nodes = new NodeDirectory(config.knownNodes(), config.nodeWindow(), clock);
    feed =
        LiveFeed.start(
            config.kafka(),
            config.topics(),
            config.nodeWindow(),
            context,
            nodes,
            clock,
            registry,
            supervision);
    Future<Authenticator> authenticator =
        config.localMode()
            ? Authenticator.forLocal(client, kubernetesWorkers, deadline, localToken, clock)
            : Future.succeededFuture(
                Authenticator.forCluster(
                    client, kubernetesWorkers, deadline, config.tokenAudience(), clock));
    return authenticator
        .compose(
            authentication ->
                vertx
                    .createHttpServer(
                        new HttpServerOptions()
                            .setWebSocketSubProtocols(List.of(BearerToken.EVENTS_SUBPROTOCOL)))
                    .requestHandler(
                        ApiRouter.create(
                            vertx,
                            new OriginCheck(config.allowedOrigins()),
                            new EventSocketLimits(
                                config.replayEvents(),
                                config.socketQueueEvents(),
                                config.socketsPerUser()),
                            authentication,
                            new Authorizer(client, kubernetesWorkers, deadline, clock),
                            new TraceStore(client, kubernetesWorkers, deadline),
                            nodes,
                            new EventReplay(
                                config.kafka(), config.topics().events(), replayWorkers),
                            feed,
                            new WebSocketClients(registry),
                            client.getKubernetesSerialization()))
                    .listen(config.port(), config.host())
                    .recover(
                        e ->
                            Future.failedFuture(
                                new IllegalStateException(
                                    "The web UI cannot listen on %s:%d (%s); choose another port with %sWEB_PORT"
                                        .formatted(
                                            config.host(),
                                            config.port(),
                                            e.getMessage(),
                                            Settings.PREFIX),
                                    e))))
        .compose(
            listening -> {
              server = listening;
              return feed.positioned();
            })
        .onSuccess(v -> LOG.info("Web UI listening on {}:{}", config.host(), port()));
  }

  @Override
  public Future<?> stop() {
    // The live feed ends as its consumer closes: that is the stop, not a part dying beside it.
    supervision.stopping();
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    return closed
        .eventually(
            () ->
                vertx.executeBlocking(
                    () -> {
                      feed.close();
                      return null;
                    }))
        .eventually(
            () -> {
              vertx.eventBus().unregisterDefaultCodec(LiveEvent.class);
              return Future.join(kubernetesWorkers.close(), replayWorkers.close());
            });
  }

  /** The port the server listens on, once started (the configured one, or the one picked for 0). */
  public int port() {
    return server.actualPort();
  }

  /**
   * Where a person opens the dashboard. In local mode the URL carries the launch token after {@code
   * #}: browsers never send that part to a server or put it in logs.
   */
  public String dashboardUrl() {
    String host = WebConfig.ALL_INTERFACES.equals(config.host()) ? "localhost" : config.host();
    String url = "http://" + host + ":" + port() + "/";
    return localToken == null ? url : url + "#token=" + localToken.value();
  }
}
