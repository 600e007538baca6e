package io.gadgetflow.api.trace;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** What a Trace asks for: which gadget runs on which node, on what, and where its output goes. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public final class TraceSpec {
  private String node;
  private String gadget;
  private RunMode runMode;
  private TraceFilter filter;
  private OutputMode outputMode;
  private String output;
  private Map<String, String> parameters = new LinkedHashMap<>();

  public String getNode() {
    return node;
  }

  public void setNode(String node) {
    this.node = node;
  }

  public String getGadget() {
    return gadget;
  }

  public void setGadget(String gadget) {
    this.gadget = gadget;
  }

  public RunMode getRunMode() {
    return runMode;
  }

  public void setRunMode(RunMode runMode) {
    this.runMode = runMode;
  }

  public TraceFilter getFilter() {
    return filter;
  }

  public void setFilter(TraceFilter filter) {
    this.filter = filter;
  }

  public OutputMode getOutputMode() {
    return outputMode;
  }

  public void setOutputMode(OutputMode outputMode) {
    this.outputMode = outputMode;
  }

  public String getOutput() {
    return output;
  }

  public void setOutput(String output) {
    this.output = output;
  }

  public Map<String, String> getParameters() {
    return parameters;
  }

  public void setParameters(Map<String, String> parameters) {
    this.parameters = parameters == null ? new LinkedHashMap<>() : new LinkedHashMap<>(parameters);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TraceSpec that
        && Objects.equals(node, that.node)
        && Objects.equals(gadget, that.gadget)
        && runMode == that.runMode
        && Objects.equals(filter, that.filter)
        && outputMode == that.outputMode
        && Objects.equals(output, that.output)
        && Objects.equals(parameters, that.parameters);
  }

  @Override
  public int hashCode() {
    return Objects.hash(node, gadget, runMode, filter, outputMode, output, parameters);
  }
}
