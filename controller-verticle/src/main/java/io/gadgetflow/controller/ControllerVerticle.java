package io.gadgetflow.controller;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gadgetflow.api.health.Supervision;
import io.gadgetflow.api.kube.CallDeadline;
import io.gadgetflow.controller.identity.ChecksUnderWay;
import io.gadgetflow.controller.identity.NodeRegistrations;
import io.gadgetflow.controller.identity.NodeReportVerifier;
import io.gadgetflow.controller.identity.TrustedNodeKeys;
import io.gadgetflow.controller.kafka.ControlPublisher;
import io.gadgetflow.controller.kafka.HandedOverOperations;
import io.gadgetflow.controller.kafka.NodeReportConsumer;
import io.gadgetflow.controller.kafka.NodeReportConsumer.ReceivedReport;
import io.gadgetflow.controller.kube.TraceInformer;
import io.gadgetflow.controller.kube.TraceRepository;
import io.gadgetflow.controller.leader.LeaderElection;
import io.gadgetflow.controller.output.SeccompProfileWriter;
import io.gadgetflow.controller.reconcile.AnswerTimeouts;
import io.gadgetflow.controller.reconcile.ReconcileQueue;
import io.gadgetflow.controller.reconcile.TraceReconciler;
import io.gadgetflow.controller.status.NodeReportHandler;
import io.gadgetflow.controller.status.PendingAnswers;
import io.gadgetflow.controller.status.PendingAnswers.Awaited;
import io.gadgetflow.controller.status.StatusWriter;
import io.gadgetflow.controller.status.StatusWrites;
import io.gadgetflow.controller.workers.KubernetesCalls;
import io.gadgetflow.kafka.SkippedRecords;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Trace controller. Every replica campaigns for the Lease; the one holding it watches Traces,
 * hands operations to nodes through Kafka and writes node reports into Trace status.
 */
public final class ControllerVerticle extends VerticleBase implements Supervision.Supervised {
  private static final Logger LOG = LoggerFactory.getLogger(ControllerVerticle.class);

  /**
   * Threads that wait on fabric8's blocking calls. A call is mostly waiting for the API server and
   * etcd, so this bounds how many writes are in flight when many Traces change at once: with 8, 200
   * Traces annotated together queued behind each other for seconds (docs/benchmarks.md).
   */
  private static final int KUBERNETES_WORKERS = 32;

  private static final Duration LEASE_RELEASE_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration CONTROL_TOPIC_RETRY = Duration.ofSeconds(2);
  private static final Duration ACTING_RETRY = Duration.ofSeconds(2);

  private final ControllerConfig config;
  private final KubernetesClient client;
  private final Clock clock;
  private final MeterRegistry registry;

  /**
   * Told when the registrations' follower dies (new nodes' reports would never be trusted) and when
   * the broker refuses the status consumer (no node's answer would be heard).
   */
  private final Supervision supervision = new Supervision();

  private ControllerMetrics metrics;
  private WorkerExecutor kubernetesWorkers;
  private ControlPublisher control;
  private NodeReportConsumer reports;
  private SkippedRecords skippedControl;
  private TraceRepository traces;
  private SeccompProfileWriter seccompProfiles;
  private LeaderElection leaderElection;
  private NodeReportVerifier reportVerifier;
  private NodeRegistrations registrations;

  /** On the verticle's context: whether this replica holds the Lease. */
  private boolean leading;

  /** Set and cleared on the verticle's context; read by health checks from anywhere. */
  private volatile Acting acting;

  /** A controller whose meters are kept in memory only. */
  public ControllerVerticle(ControllerConfig config, KubernetesClient client, Clock clock) {
    this(config, client, clock, new SimpleMeterRegistry());
  }

  /**
   * @param registry where the controller's meters go (see {@link ControllerMetrics})
   */
  public ControllerVerticle(
      ControllerConfig config, KubernetesClient client, Clock clock, MeterRegistry registry) {
    this.config = config;
    this.client = client;
    this.clock = clock;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    LOG.info("Controller {} starting with {}", config.identity(), config);
    metrics = new ControllerMetrics(registry, this::isActing);
    kubernetesWorkers =
        vertx.createSharedWorkerExecutor("gadgetflow-kubernetes", KUBERNETES_WORKERS);
    control = ControlPublisher.create(vertx, config.kafka(), config.topics().control());
    SkippedRecords skippedReports = new SkippedRecords("controller-status", LOG::warn);
    skippedReports.bindTo(registry);
    skippedControl = new SkippedRecords("controller-control", LOG::warn);
    skippedControl.bindTo(registry);
    reports =
        NodeReportConsumer.create(
            vertx,
            config.kafka(),
            config.topics().status(),
            config.identity(),
            skippedReports,
            supervision);
    KubernetesCalls kubernetesCalls =
        new KubernetesCalls(kubernetesWorkers, new CallDeadline(CallDeadline.KUBERNETES));
    traces = new TraceRepository(client, kubernetesCalls);
    TrustedNodeKeys nodeKeys = new TrustedNodeKeys(vertx, config.nodeTrust());
    reportVerifier = new NodeReportVerifier(nodeKeys);
    if (config.nodeTrust().readsRegistrations()) {
      SkippedRecords skippedRegistrations =
          new SkippedRecords("controller-registrations", LOG::warn);
      skippedRegistrations.bindTo(registry);
      registrations =
          NodeRegistrations.start(
              config.kafka(),
              config.topics().nodes(),
              config.identity(),
              client,
              kubernetesCalls,
              config.nodeTrust(),
              nodeKeys,
              metrics::registrationRefused,
              skippedRegistrations,
              supervision,
              context);
    }
    seccompProfiles =
        new SeccompProfileWriter(client, kubernetesCalls, config.tracePolicy()::mayWriteInto);
    leaderElection =
        LeaderElection.start(
            client,
            config.leaseNamespace(),
            config.leaseName(),
            config.identity(),
            config.leaseTiming(),
            context,
            UnaryOperator.identity(),
            this::startLeading,
            this::stopLeading);
    return Future.succeededFuture();
  }

  @Override
  public Supervision supervision() {
    return supervision;
  }

  @Override
  public Future<?> stop() {
    supervision.stopping();
    stopLeading();
    // Giving the Lease up reads and updates it with blocking calls; seen to hang at shutdown, so
    // it runs on a worker and the stop goes on after a bound (the Lease then simply expires).
    return vertx
        .executeBlocking(
            () -> {
              leaderElection.stop();
              if (registrations != null) {
                registrations.close();
              }
              return null;
            },
            false)
        .timeout(LEASE_RELEASE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .otherwise(
            e -> {
              LOG.warn("Controller {} could not give the Lease up: {}", config.identity(), e);
              return null;
            })
        .compose(v -> Future.join(control.close(), reports.close()))
        .eventually(() -> kubernetesWorkers.close());
  }

  /** Whether this replica currently holds the Lease and acts. */
  public boolean isActing() {
    return acting != null;
  }

  private void startLeading() {
    leading = true;
    startActing();
  }

  private void stopLeading() {
    leading = false;
    stopActing();
  }

  /**
   * Acting starts from scratch until it succeeds while this replica holds the Lease: a start that
   * failed or hung (a list of Traces whose response never completes) would otherwise leave the
   * Lease's holder doing nothing, and no standby may take over from it.
   */
  private void startActing() {
    if (acting != null || !leading) {
      return;
    }
    LOG.info("Controller {} now acts on Traces", config.identity());
    Acting starting = new Acting();
    acting = starting;
    starting
        .start()
        .onFailure(
            e -> {
              if (acting != starting) {
                return;
              }
              LOG.error(
                  "Controller {} could not start acting, starting again in {} s: {}",
                  config.identity(),
                  ACTING_RETRY.toSeconds(),
                  e.toString());
              stopActing();
              vertx.setTimer(ACTING_RETRY.toMillis(), id -> startActing());
            });
  }

  private void stopActing() {
    if (acting == null) {
      return;
    }
    LOG.info("Controller {} stops acting on Traces", config.identity());
    acting.stop();
    acting = null;
  }

  /** What exists only while this replica holds the Lease. */
  private final class Acting {
    /** Reports read whose node's signature is still being checked: a verdict waits for them. */
    private final ChecksUnderWay reportChecks = new ChecksUnderWay();

    private final PendingAnswers pendingAnswers =
        new PendingAnswers(vertx, this::answersReadThroughNow, this::onDeadline);
    private final StatusWrites statusWrites =
        new StatusWrites(traces::replaceStatus, traces::read, vertx);
    private final StatusWriter statusWriter =
        new StatusWriter(
            statusWrites::write,
            vertx,
            config.statusCountersInterval(),
            config.statusCounterWritesPerSecond());
    private final TraceReconciler reconciler =
        new TraceReconciler(
            new AnswerTimeouts(config.operationTimeout(), config.deletionTimeout()),
            traces,
            statusWriter,
            control,
            pendingAnswers,
            config.tracePolicy(),
            clock,
            statusWrites::wroteOver);
    private final ReconcileQueue queue = new ReconcileQueue(vertx, this::reconcile);
    private final TraceInformer informer =
        new TraceInformer(client, config.watchNamespace(), context, queue::enqueue);
    private final NodeReportHandler reportHandler =
        new NodeReportHandler(
            informer,
            seccompProfiles,
            statusWriter,
            pendingAnswers,
            this::onDeletionSettled,
            reason -> metrics.reportRefused(reason),
            clock);

    /** Read where a report's status write completes, maybe on a Kubernetes client's thread. */
    private volatile boolean stopped;

    /**
     * Learns what was handed over before, then follows Traces and node reports; stops at the next
     * step when the Lease was lost meanwhile (a closed informer cannot start again). Each step is
     * logged: a start that hangs shows where.
     */
    Future<Void> start() {
      return readHandedOver()
          .compose(
              handedOver -> {
                if (stopped) {
                  return Future.succeededFuture();
                }
                LOG.info(
                    "Controller {} read {} operations handed over before; listing Traces",
                    config.identity(),
                    handedOver.size());
                reconciler.handedOverBefore(handedOver);
                return syncTraces();
              })
          .compose(
              synced -> {
                if (stopped) {
                  return Future.succeededFuture();
                }
                LOG.info("Controller {} follows Traces and node reports", config.identity());
                return reports.subscribe(this::onReport);
              });
    }

    /** The informer's first list of Traces, within the cache sync timeout. */
    private Future<Void> syncTraces() {
      Duration bound = config.cacheSyncTimeout();
      return informer
          .start()
          .timeout(bound.toMillis(), TimeUnit.MILLISECONDS)
          .recover(
              e ->
                  Future.failedFuture(
                      e instanceof TimeoutException
                          ? new TimeoutException(
                              "the Traces were not listed within " + bound.toSeconds() + " s")
                          : e));
    }

    /** Until it succeeds: acting without it could publish an operation a second time. */
    private Future<Set<String>> readHandedOver() {
      return HandedOverOperations.read(
              vertx, config.kafka(), config.topics().control(), skippedControl)
          .recover(
              e -> {
                if (stopped) {
                  return Future.failedFuture(e);
                }
                LOG.warn(
                    "Controller {} cannot read the control topic yet, retrying in {} s: {}",
                    config.identity(),
                    CONTROL_TOPIC_RETRY.toSeconds(),
                    e.toString());
                Promise<Set<String>> retried = Promise.promise();
                vertx.setTimer(
                    CONTROL_TOPIC_RETRY.toMillis(), id -> readHandedOver().onComplete(retried));
                return retried.future();
              });
    }

    void stop() {
      stopped = true;
      queue.stop();
      pendingAnswers.clear();
      statusWriter.stop();
      statusWrites.stop();
      informer.close();
      reports.unsubscribe();
    }

    private Future<Void> reconcile(String key) {
      Timer.Sample sample = metrics.startReconcile();
      return informer
          .get(key)
          .map(reconciler::reconcile)
          .orElse(Future.succeededFuture())
          .onComplete(done -> metrics.reconciled(sample, done.succeeded()));
    }

    /**
     * Only a report its node signed goes on to the handler. The report counts as applied unless
     * this replica stopped acting meanwhile: a status write given up then leaves the report to be
     * read again by the replica acting next ({@link NodeReportConsumer}).
     */
    private Future<Void> onReport(ReceivedReport received) {
      return reportChecks
          .track(reportVerifier.refusal(received.report(), received.value(), received.signature()))
          .compose(
              refusal -> {
                if (refusal.isPresent()) {
                  reportHandler.refuseUnverified(received.report(), refusal.get());
                  return Future.<Void>succeededFuture();
                }
                return reportHandler.onReport(received.report());
              })
          .transform(
              applied ->
                  stopped
                      ? Future.failedFuture("controller " + config.identity() + " stopped acting")
                      : Future.succeededFuture());
    }

    /**
     * Every report on the status topic now has been read and, its signature checked, handed to the
     * report handler: an answer among them is no longer awaited.
     */
    private Future<Void> answersReadThroughNow() {
      return reports.readThroughEnd().compose(read -> reportChecks.ended());
    }

    private void onDeadline(Awaited awaited, boolean takenByKafka) {
      reportHandler.onDeadline(awaited, takenByKafka);
    }

    private void onDeletionSettled(Awaited awaited) {
      reconciler.deletionSettled(awaited.operationId());
      queue.enqueue(awaited.traceKey());
    }
  }
}
