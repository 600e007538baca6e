package io.gadgetflow.node.gadget.snapshot.process;

import io.gadgetflow.api.gadget.GadgetCatalog;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.node.bpf.BpfObject;
import io.gadgetflow.node.gadget.GadgetParameters;
import io.gadgetflow.node.gadget.GadgetProgram;
import io.gadgetflow.node.gadget.NoEventsDecoder;
import io.gadgetflow.node.gadget.ProgramLayouts;
import io.gadgetflow.node.gadget.RunningGadget;
import io.gadgetflow.node.gadget.StatusOutput;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * process-collector: src/main/bpf/snapshot/process/program.bpf.c. Each collect runs its task
 * iterator once and answers with a JSON array of {@link ProcessEntry}.
 */
public final class ProcessGadget {
  private static final String ITERATOR = "collect_processes";

  public static final GadgetProgram PROGRAM =
      new GadgetProgram(
              GadgetCatalog.PROCESS_COLLECTOR,
              "bpf/snapshot/process/program.bpf.o",
              ProgramLayouts.ofStructs(ProcessRecords.PROCESS_RECORD),
              NoEventsDecoder::new,
              Set.of())
          .withSetup(ProcessGadget::setUp)
          .withResult(
              (gadget, names) ->
                  StatusOutput.Result.of(
                      new String(Json.encode(processes(gadget)), StandardCharsets.UTF_8)));

  private ProcessGadget() {}

  public static List<ProcessEntry> processes(RunningGadget gadget) {
    return ProcessRecords.decode(gadget.readIterator(ITERATOR));
  }

  private static void setUp(BpfObject object, GadgetParameters parameters) {
    object.setConstant("show_threads", parameters.bool("show-threads"));
  }
}
