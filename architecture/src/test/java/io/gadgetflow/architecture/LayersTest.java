package io.gadgetflow.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.util.stream.Stream;

/**
 * Which module and which package may import which: data walks one way, and no package imports from
 * one above it. A role's top package (its verticle and config) composes everything below it; the
 * layers of each module are written here from the top down, and docs/architecture.md ("Layers")
 * says why. A package that fits no layer fails the build until it is placed in one.
 */
@AnalyzeClasses(packages = "io.gadgetflow", importOptions = ImportOption.DoNotIncludeTests.class)
class LayersTest {
  private static final String API = "io.gadgetflow.api";
  private static final String KAFKA_CLIENT = "io.gadgetflow.kafka";
  private static final String LOCAL_PLATFORM = "io.gadgetflow.local";
  private static final String TEST_SUPPORT = "io.gadgetflow.testing";
  private static final String CONTROLLER = "io.gadgetflow.controller";
  private static final String NODE = "io.gadgetflow.node";
  private static final String WEB = "io.gadgetflow.web";
  private static final String CLI = "io.gadgetflow.cli";
  private static final String KUBECTL_GADGET = "io.gadgetflow.kubectl";

  @ArchTest
  static final ArchRule NO_PACKAGE_CYCLES =
      slices().matching("io.gadgetflow.(**)").should().beFreeOfCycles();

  /** The contract every module may use; it uses no other. */
  @ArchTest static final ArchRule API_USES_NO_MODULE = module(API).usesOnly();

  @ArchTest static final ArchRule KAFKA_CLIENT_USES_ONLY_API = module(KAFKA_CLIENT).usesOnly(API);

  @ArchTest
  static final ArchRule LOCAL_PLATFORM_USES_ONLY_API = module(LOCAL_PLATFORM).usesOnly(API);

  @ArchTest
  static final ArchRule TEST_SUPPORT_USES_ONLY_LOCAL_PLATFORM =
      module(TEST_SUPPORT).usesOnly(LOCAL_PLATFORM, API);

  @ArchTest
  static final ArchRule CONTROLLER_USES_NO_OTHER_ROLE =
      module(CONTROLLER).usesOnly(API, KAFKA_CLIENT);

  @ArchTest
  static final ArchRule NODE_USES_NO_OTHER_ROLE = module(NODE).usesOnly(API, KAFKA_CLIENT);

  @ArchTest static final ArchRule WEB_USES_NO_OTHER_ROLE = module(WEB).usesOnly(API, KAFKA_CLIENT);

  /** The launcher runs the roles and the local platform. */
  @ArchTest
  static final ArchRule CLI_USES_NO_PLUGIN =
      module(CLI).usesOnly(CONTROLLER, NODE, WEB, LOCAL_PLATFORM, API, KAFKA_CLIENT);

  /** The plugin talks to the platform through its contract only and ships without any role. */
  @ArchTest
  static final ArchRule KUBECTL_GADGET_USES_NO_ROLE =
      module(KUBECTL_GADGET).usesOnly(API, KAFKA_CLIENT);

  /**
   * The Trace resource over its JSON names; the gadget catalogue over the Trace; the Kafka records
   * over the Trace; events over the catalogue; trace logs over the records.
   */
  @ArchTest
  static final ArchRule API_LAYERS =
      module(API)
          .layers()
          .layer("log")
          .definedBy(API + ".log..")
          .layer("event")
          .definedBy(API + ".event..")
          .layer("kafka")
          .definedBy(API + ".kafka..")
          .layer("gadget")
          .definedBy(API + ".gadget..")
          .layer("trace")
          .definedBy(API + ".trace..")
          .layer("json")
          .definedBy(API + ".json..")
          .layer("config")
          .definedBy(API + ".config..")
          .layer("health")
          .definedBy(API + ".health..")
          .layer("kube")
          .definedBy(API + ".kube..")
          .whereLayer("log")
          .mayOnlyAccessLayers("kafka", "trace", "json")
          .whereLayer("event")
          .mayOnlyAccessLayers("gadget", "trace", "json")
          .whereLayer("kafka")
          .mayOnlyAccessLayers("trace", "json")
          .whereLayer("gadget")
          .mayOnlyAccessLayers("trace", "json")
          .whereLayer("trace")
          .mayOnlyAccessLayers("json")
          .whereLayer("json")
          .mayNotAccessAnyLayer()
          .whereLayer("config")
          .mayNotAccessAnyLayer()
          .whereLayer("health")
          .mayNotAccessAnyLayer()
          .whereLayer("kube")
          .mayNotAccessAnyLayer();

  /**
   * A library, not a role: its top package is the bottom one, what the broker and the control plane
   * share, and they do not know each other. The cluster's node (containerd, kubelet) runs its
   * programs as the control plane runs its own, and joins that control plane.
   */
  @ArchTest
  static final ArchRule LOCAL_PLATFORM_LAYERS =
      module(LOCAL_PLATFORM)
          .layers()
          .layer("node")
          .definedBy(LOCAL_PLATFORM + ".node..")
          .layer("broker")
          .definedBy(LOCAL_PLATFORM + ".kafka..")
          .layer("control plane")
          .definedBy(LOCAL_PLATFORM + ".kube..")
          .layer("shared")
          .definedBy(LOCAL_PLATFORM)
          .whereLayer("node")
          .mayOnlyAccessLayers("control plane", "shared")
          .whereLayer("broker")
          .mayOnlyAccessLayers("shared")
          .whereLayer("control plane")
          .mayOnlyAccessLayers("shared")
          .whereLayer("shared")
          .mayNotAccessAnyLayer();

  /**
   * The top package composes; {@code reconcile} drives Traces with {@code status}, which writes
   * what nodes answer; below both the adapters to Kubernetes and Kafka, the resources gadgets ask
   * for, the leader election and the nodes' status keys, none of which knows another; under those
   * that call the API server, the workers that run their calls within a deadline.
   */
  @ArchTest
  static final ArchRule CONTROLLER_LAYERS =
      module(CONTROLLER)
          .layers()
          .layer("controller")
          .definedBy(CONTROLLER)
          .layer("reconcile")
          .definedBy(CONTROLLER + ".reconcile..")
          .layer("status")
          .definedBy(CONTROLLER + ".status..")
          .layer("kube")
          .definedBy(CONTROLLER + ".kube..")
          .layer("kafka")
          .definedBy(CONTROLLER + ".kafka..")
          .layer("output")
          .definedBy(CONTROLLER + ".output..")
          .layer("leader")
          .definedBy(CONTROLLER + ".leader..")
          .layer("identity")
          .definedBy(CONTROLLER + ".identity..")
          .layer("workers")
          .definedBy(CONTROLLER + ".workers..")
          .whereLayer("controller")
          .mayNotBeAccessedByAnyLayer()
          .whereLayer("reconcile")
          .mayOnlyAccessLayers("status", "kube", "kafka", "output")
          .whereLayer("status")
          .mayOnlyAccessLayers("kube", "output")
          .whereLayer("kube")
          .mayOnlyAccessLayers("workers")
          .whereLayer("kafka")
          .mayNotAccessAnyLayer()
          .whereLayer("output")
          .mayOnlyAccessLayers("workers")
          .whereLayer("leader")
          .mayNotAccessAnyLayer()
          .whereLayer("identity")
          .mayOnlyAccessLayers("workers")
          .whereLayer("workers")
          .mayNotAccessAnyLayer();

  /**
   * The top package composes; {@code trace} runs traces with everything below it; the Kafka
   * adapters, the meters and the containers know nothing of traces; {@code catalog} lists the
   * gadgets, each of which builds on {@code gadget}, which builds on {@code bpf}.
   */
  @ArchTest
  static final ArchRule NODE_LAYERS =
      module(NODE)
          .layers()
          .layer("agent")
          .definedBy(NODE)
          .layer("trace")
          .definedBy(NODE + ".trace..")
          .layer("control")
          .definedBy(NODE + ".control..")
          .layer("kafka")
          .definedBy(NODE + ".kafka..")
          .layer("metrics")
          .definedBy(NODE + ".metrics..")
          .layer("containers")
          .definedBy(NODE + ".containers..")
          .layer("catalog")
          .definedBy(NODE + ".catalog..")
          .layer("each gadget")
          .definedBy(NODE + ".gadget.*..")
          .layer("gadget")
          .definedBy(NODE + ".gadget")
          .layer("bpf")
          .definedBy(NODE + ".bpf..")
          .layer("symbols")
          .definedBy(NODE + ".symbols..")
          .whereLayer("agent")
          .mayNotBeAccessedByAnyLayer()
          .whereLayer("trace")
          .mayOnlyAccessLayers(
              "control", "kafka", "metrics", "containers", "catalog", "gadget", "bpf")
          .whereLayer("control")
          .mayNotAccessAnyLayer()
          .whereLayer("kafka")
          .mayNotAccessAnyLayer()
          .whereLayer("metrics")
          .mayNotAccessAnyLayer()
          .whereLayer("containers")
          .mayOnlyAccessLayers("gadget", "bpf")
          .whereLayer("catalog")
          .mayOnlyAccessLayers("each gadget", "gadget")
          .whereLayer("each gadget")
          .mayOnlyAccessLayers("gadget", "bpf", "symbols")
          .whereLayer("gadget")
          .mayOnlyAccessLayers("bpf")
          .whereLayer("bpf")
          .mayNotAccessAnyLayer()
          .whereLayer("symbols")
          .mayNotAccessAnyLayer();

  /**
   * The top package composes; {@code rest} answers HTTP with who may ask ({@code access}), the
   * Traces ({@code kube}) and their events ({@code live}), which do not know each other; {@code
   * http} is the refusal any of them may answer with.
   */
  @ArchTest
  static final ArchRule WEB_LAYERS =
      module(WEB)
          .layers()
          .layer("web")
          .definedBy(WEB)
          .layer("rest")
          .definedBy(WEB + ".rest..")
          .layer("access")
          .definedBy(WEB + ".access..")
          .layer("kube")
          .definedBy(WEB + ".kube..")
          .layer("live")
          .definedBy(WEB + ".live..")
          .layer("http")
          .definedBy(WEB + ".http..")
          .whereLayer("web")
          .mayNotBeAccessedByAnyLayer()
          .whereLayer("rest")
          .mayOnlyAccessLayers("access", "kube", "live", "http")
          .whereLayer("access")
          .mayOnlyAccessLayers("http")
          .whereLayer("kube")
          .mayOnlyAccessLayers("http")
          .whereLayer("live")
          .mayNotAccessAnyLayer()
          .whereLayer("http")
          .mayNotAccessAnyLayer();

  /**
   * The commands compose; {@code platform} runs all of it on one machine, watched by monitoring.
   */
  @ArchTest
  static final ArchRule CLI_LAYERS =
      module(CLI)
          .layers()
          .layer("commands")
          .definedBy(CLI)
          .layer("platform")
          .definedBy(CLI + ".platform..")
          .layer("monitoring")
          .definedBy(CLI + ".monitoring..")
          .whereLayer("commands")
          .mayNotBeAccessedByAnyLayer()
          .whereLayer("platform")
          .mayOnlyAccessLayers("monitoring")
          .whereLayer("monitoring")
          .mayNotAccessAnyLayer();

  private static Module module(String rootPackage) {
    return new Module(rootPackage);
  }

  /** A module, by the package all its classes are in. */
  private record Module(String rootPackage) {
    /** Of GadgetFlow's classes, those of this module use only their own and those of others. */
    ArchRule usesOnly(String... otherModules) {
      String[] allowed =
          Stream.concat(Stream.of(rootPackage), Stream.of(otherModules))
              .map(root -> root + "..")
              .toArray(String[]::new);
      return classes()
          .that()
          .resideInAPackage(rootPackage + "..")
          .should()
          .onlyDependOnClassesThat(
              resideOutsideOfPackage("io.gadgetflow..").or(resideInAnyPackage(allowed)));
    }

    /** Layers that every class of this module must be in; other modules are not their concern. */
    LayeredArchitecture layers() {
      return layeredArchitecture()
          .consideringOnlyDependenciesInLayers()
          .ensureAllClassesAreContainedInArchitectureIgnoring(
              resideOutsideOfPackage(rootPackage + ".."));
    }
  }
}
