package org.llmfhiradapter.publish;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.Date;
import java.util.HexFormat;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.llmfhiradapter.conformance.ProfilePackage;

/**
 * The Provenance of a published report: what the report and its cohort Group were derived from (the
 * source servers, up to the data cut-off) and by what (this adapter, as a Device with its version).
 * It names servers and a run date, never a patient.
 */
final class ProvenanceFactory {

  static final String DEVICE_SYSTEM = ProfilePackage.CANONICAL + "/identifier/device";
  static final String URI_SYSTEM = "urn:ietf:rfc:3986";
  static final String PARTICIPANT_TYPE =
      "http://terminology.hl7.org/CodeSystem/provenance-participant-type";
  static final String DATA_OPERATION = "http://terminology.hl7.org/CodeSystem/v3-DataOperation";

  private ProvenanceFactory() {}

  /** The adapter build as a Device; one per version, found again by its identifier. */
  static Device device(String adapterVersion) {
    Device device = new Device();
    device.addIdentifier().setSystem(DEVICE_SYSTEM).setValue(deviceIdentifier(adapterVersion));
    device
        .addDeviceName()
        .setName("llm-fhir-adapter")
        .setType(Device.DeviceNameType.MANUFACTURERNAME);
    device.addVersion().setValue(adapterVersion);
    device.setStatus(Device.FHIRDeviceStatus.ACTIVE);
    return device;
  }

  static String deviceIdentifier(String adapterVersion) {
    return "llm-fhir-adapter-" + adapterVersion;
  }

  /**
   * @param reportRef the MeasureReport (its placeholder in the transaction)
   * @param groupRef the cohort Group (its placeholder)
   * @param deviceRef the adapter's Device (its placeholder)
   */
  static Provenance build(
      RunLineage lineage,
      LocalDate dataCutoff,
      Date recorded,
      String reportRef,
      String groupRef,
      String deviceRef) {
    Provenance provenance = new Provenance();
    provenance.addTarget(new Reference(reportRef));
    provenance.addTarget(new Reference(groupRef));
    provenance.setRecorded(recorded);
    // The data the report rests on reach up to the cut-off.
    provenance.setOccurred(
        new Period().setEndElement(new org.hl7.fhir.r4.model.DateTimeType(dataCutoff.toString())));
    provenance.getActivity().addCoding().setSystem(DATA_OPERATION).setCode("CREATE");
    Provenance.ProvenanceAgentComponent agent = provenance.addAgent();
    agent.getType().addCoding().setSystem(PARTICIPANT_TYPE).setCode("assembler");
    agent.setWho(
        new Reference(deviceRef).setDisplay("llm-fhir-adapter " + lineage.adapterVersion()));
    for (SourceServer source : lineage.sources()) {
      Reference what =
          new Reference()
              .setDisplay(
                  source.vendor()
                      + " FHIR server "
                      + source.baseUrl()
                      + ", data cut-off "
                      + dataCutoff);
      what.getIdentifier().setSystem(URI_SYSTEM).setValue(source.baseUrl());
      provenance.addEntity().setRole(Provenance.ProvenanceEntityRole.SOURCE).setWhat(what);
    }
    return provenance;
  }

  /**
   * The Provenance's id on the destination: derived from the report identifier, so a rerun replaces
   * the Provenance of its report instead of adding one (Provenance has no identifier to update on).
   */
  static String id(String reportSystem, String reportValue) {
    try {
      byte[] identifier = (reportSystem + "|" + reportValue).getBytes(StandardCharsets.UTF_8);
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(identifier);
      return "llm-" + HexFormat.of().formatHex(digest, 0, 20);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java platform", e);
    }
  }
}
