package org.llmfhiradapter.sandbox;

import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.ParamPrefixEnum;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Measure;
import org.hl7.fhir.r4.model.MeasureReport;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * The search parameters the in-memory store answers: those the adapter sends (the candidate search
 * by {@code code}, the per-patient searches with each vendor's extra parameters, the publication's
 * conditional writes by {@code identifier}, {@code url} and {@code version}) and {@code _id}. Any
 * other parameter is refused with a 400 that names it, never ignored: a search that silently
 * matched more than asked would hide a bug in the pull.
 *
 * <p>Values follow the FHIR search rules for their types: tokens {@code [system]|[code]} (a missing
 * system matches any; {@code |code} only a coding without one), a comma for "or", a repeated
 * parameter for "and"; references {@code Patient/1} or {@code 1}; dates with the prefixes {@code
 * eq}, {@code ge}, {@code gt}, {@code le} and {@code lt} at the precision given. No modifiers.
 */
final class MemorySearch {

  private enum Kind {
    TOKEN,
    REFERENCE,
    DATE,
    URI
  }

  private record Parameter(Kind kind, Function<Resource, List<? extends Base>> values) {}

  /** Parameters that steer the answer rather than select (paging, format). */
  private static final Set<String> CONTROL =
      Set.of("_count", "_format", "_pretty", "_summary", "_getpages", "_bundletype");

  private static final Map<String, Map<String, Parameter>> PARAMETERS =
      Map.of(
          "Condition",
          Map.of(
              "patient", reference(r -> List.of(((Condition) r).getSubject())),
              "subject", reference(r -> List.of(((Condition) r).getSubject())),
              "code", token(r -> List.of(((Condition) r).getCode())),
              "category", token(r -> ((Condition) r).getCategory())),
          "Procedure",
          Map.of(
              "patient", reference(r -> List.of(((Procedure) r).getSubject())),
              "subject", reference(r -> List.of(((Procedure) r).getSubject())),
              "code", token(r -> List.of(((Procedure) r).getCode())),
              "date", date(r -> present(((Procedure) r).getPerformed()))),
          "Observation",
          Map.of(
              "patient", reference(r -> List.of(((Observation) r).getSubject())),
              "subject", reference(r -> List.of(((Observation) r).getSubject())),
              "code", token(r -> List.of(((Observation) r).getCode())),
              "category", token(r -> ((Observation) r).getCategory()),
              "date", date(r -> present(((Observation) r).getEffective()))),
          "Patient",
          Map.of("identifier", token(r -> ((Patient) r).getIdentifier())),
          "Group",
          Map.of("identifier", token(r -> ((Group) r).getIdentifier())),
          "Device",
          Map.of("identifier", token(r -> ((Device) r).getIdentifier())),
          "MeasureReport",
          Map.of("identifier", token(r -> ((MeasureReport) r).getIdentifier())),
          "Measure",
          Map.of(
              "identifier", token(r -> ((Measure) r).getIdentifier()),
              "url", new Parameter(Kind.URI, r -> present(((Measure) r).getUrlElement())),
              "version", token(r -> present(((Measure) r).getVersionElement()))));

  private MemorySearch() {}

  /** The parameters a search of this type may use, for the 400 that refuses another. */
  static Set<String> supported(String type) {
    return PARAMETERS.getOrDefault(type, Map.of()).keySet();
  }

  /**
   * Whether the resource matches every parameter.
   *
   * @param parameters name to values, as in a query string (a repeated name: several values)
   * @throws InvalidRequestException for a parameter this store does not answer, or a malformed
   *     value
   */
  static boolean matches(Resource resource, Map<String, List<String>> parameters) {
    for (Map.Entry<String, List<String>> entry : parameters.entrySet()) {
      String name = entry.getKey();
      if (CONTROL.contains(name)) {
        continue;
      }
      for (String value : entry.getValue()) {
        if (!matchesOne(resource, name, value)) {
          return false;
        }
      }
    }
    return true;
  }

  /** Refuses, before any matching, a parameter this store cannot answer for the type. */
  static void requireSupported(String type, Set<String> names) {
    for (String name : names) {
      if (!CONTROL.contains(name) && !name.equals("_id") && !supported(type).contains(name)) {
        throw new InvalidRequestException(
            "The in-memory sandbox does not search "
                + type
                + " by '"
                + name
                + "' (it answers "
                + (supported(type).isEmpty()
                    ? "_id only"
                    : "_id, " + String.join(", ", supported(type).stream().sorted().toList()))
                + "); start the sandbox with llm.sandbox.store=jpa for HAPI's full search");
      }
    }
  }

  private static boolean matchesOne(Resource resource, String name, String value) {
    if (name.equals("_id")) {
      return Stream.of(value.split(",")).anyMatch(resource.getIdElement().getIdPart()::equals);
    }
    Parameter parameter = PARAMETERS.get(resource.fhirType()).get(name);
    List<? extends Base> values = parameter.values().apply(resource);
    return switch (parameter.kind()) {
      case TOKEN ->
          Stream.of(value.split(","))
              .anyMatch(token -> values.stream().anyMatch(v -> tokenMatches(v, token)));
      case REFERENCE ->
          Stream.of(value.split(","))
              .anyMatch(ref -> values.stream().anyMatch(v -> referenceMatches((Reference) v, ref)));
      case URI ->
          Stream.of(value.split(","))
              .anyMatch(uri -> values.stream().anyMatch(v -> uri.equals(v.primitiveValue())));
      case DATE -> values.stream().anyMatch(v -> dateMatches(v, value));
    };
  }

  private static boolean tokenMatches(Base value, String token) {
    int bar = token.indexOf('|');
    String system = bar < 0 ? null : token.substring(0, bar);
    String code = bar < 0 ? token : token.substring(bar + 1);
    if (value instanceof CodeableConcept concept) {
      return concept.getCoding().stream().anyMatch(c -> tokenMatches(c, token));
    }
    if (value instanceof Coding coding) {
      return systemMatches(coding.getSystem(), system) && code.equals(coding.getCode());
    }
    if (value instanceof Identifier identifier) {
      return systemMatches(identifier.getSystem(), system) && code.equals(identifier.getValue());
    }
    return system == null && code.equals(value.primitiveValue());
  }

  /** No system in the search: any; an empty one: the value must have none. */
  private static boolean systemMatches(String actual, String searched) {
    if (searched == null) {
      return true;
    }
    return searched.isEmpty() ? actual == null || actual.isEmpty() : searched.equals(actual);
  }

  private static boolean referenceMatches(Reference reference, String searched) {
    if (!reference.hasReference()) {
      return false;
    }
    String id =
        searched.contains("/") ? searched.substring(searched.lastIndexOf('/') + 1) : searched;
    String type = searched.contains("/") ? searched.substring(0, searched.indexOf('/')) : "Patient";
    String actual = reference.getReferenceElement().toUnqualifiedVersionless().getValue();
    return actual.equals(type + "/" + id);
  }

  /**
   * The value's range (a day-precision date covers its day, a period its start to end) against the
   * searched one, as FHIR defines the prefixes for ranges.
   */
  private static boolean dateMatches(Base value, String searched) {
    DateParam parameter;
    DateTimeType searchedDate;
    try {
      parameter = new DateParam(searched);
      searchedDate = new DateTimeType(parameter.getValueAsString());
    } catch (RuntimeException e) {
      throw new InvalidRequestException("Not a search date: '" + searched + "'");
    }
    Date searchedLow = searchedDate.getValue();
    Date searchedHigh = upperBound(searchedDate);
    Date low;
    Date high;
    if (value instanceof Period period) {
      low = period.hasStart() ? period.getStartElement().getValue() : new Date(Long.MIN_VALUE);
      high = period.hasEnd() ? upperBound(period.getEndElement()) : new Date(Long.MAX_VALUE);
    } else if (value instanceof BaseDateTimeType dateTime) {
      low = dateTime.getValue();
      high = upperBound(dateTime);
    } else {
      return false;
    }
    ParamPrefixEnum prefix =
        parameter.getPrefix() == null ? ParamPrefixEnum.EQUAL : parameter.getPrefix();
    return switch (prefix) {
      case GREATERTHAN_OR_EQUALS -> !high.before(searchedLow);
      case GREATERTHAN -> high.after(searchedHigh);
      case LESSTHAN_OR_EQUALS -> !low.after(searchedHigh);
      case LESSTHAN -> low.before(searchedLow);
      case EQUAL -> !low.before(searchedLow) && !high.after(searchedHigh);
      default ->
          throw new InvalidRequestException(
              "The in-memory sandbox searches dates with eq, ge, gt, le and lt only, not '"
                  + searched
                  + "'");
    };
  }

  /** The last millisecond a date of this precision covers. */
  private static Date upperBound(BaseDateTimeType dateTime) {
    java.util.Calendar end = dateTime.getValueAsCalendar();
    end.add(dateTime.getPrecision().getCalendarConstant(), 1);
    end.add(java.util.Calendar.MILLISECOND, -1);
    return end.getTime();
  }

  private static Parameter token(Function<Resource, List<? extends Base>> values) {
    return new Parameter(Kind.TOKEN, values);
  }

  private static Parameter reference(Function<Resource, List<? extends Base>> values) {
    return new Parameter(Kind.REFERENCE, values);
  }

  private static Parameter date(Function<Resource, List<? extends Base>> values) {
    return new Parameter(Kind.DATE, values);
  }

  /** The element as a list: empty when the resource leaves it out. */
  private static List<Base> present(Base element) {
    if (element == null || element.isEmpty()) {
      return List.of();
    }
    if (element instanceof PrimitiveType<?> primitive && !primitive.hasValue()) {
      return List.of();
    }
    return List.of(element);
  }
}
