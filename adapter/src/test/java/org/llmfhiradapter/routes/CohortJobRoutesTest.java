package org.llmfhiradapter.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.Produce;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.llmfhiradapter.source.SourceException;
import org.llmfhiradapter.testing.LogCapture;

/**
 * The cohort job's YAML routes ({@code routes/cohort-job.camel.yaml}) as camel-main runs them, with
 * stub beans in place of the stages: the order of the stages, what a failed fetch does with and
 * without {@code llm.pipeline.allow-partial}, and the publish switch. No FHIR server: seconds, not
 * minutes.
 */
@CamelMainTest
class CohortJobRoutesTest {

  /**
   * What the stubs were asked to do, in order (the per-patient steps interleave across the pull's
   * threads).
   */
  static final List<String> CALLS = Collections.synchronizedList(new ArrayList<>());

  /** Patients whose fetch fails as a spent retry does. */
  static Set<String> unreachable = Set.of();

  /** When set, failing fetches wait for each other here, so that they fail at the same moment. */
  static CyclicBarrier together;

  abstract static class RoutesWithStubs {

    @BindToRegistry("source")
    final Source source = new Source();

    @BindToRegistry("conformance")
    final Review conformance = new Review();

    @BindToRegistry("cohortMapper")
    final Mapper cohortMapper = new Mapper();

    @BindToRegistry("cohort")
    final Gathering cohort = new Gathering();

    @BindToRegistry("analysis")
    final Analysis analysis = new Analysis();

    @BindToRegistry("publisher")
    final Publisher publisher = new Publisher();

    @BindToRegistry("progress")
    final Progress progress = new Progress();

    @BindToRegistry("stageFailures")
    final StageFailureLog stageFailures = new StageFailureLog();

    @BindToRegistry("pullThreads")
    final java.util.concurrent.ExecutorService pullThreads =
        java.util.concurrent.Executors.newFixedThreadPool(
            2,
            work -> {
              Thread thread = new Thread(work, "stub-pull");
              thread.setDaemon(true);
              return thread;
            });

    @Produce("direct:cohort-job")
    ProducerTemplate job;

    @Configure
    protected void routes(MainConfigurationProperties configuration) {
      configuration.withRoutesIncludePattern("file:../routes/" + PipelineRunner.JOB_ROUTES);
    }

    @BeforeEach
    void clear() {
      CALLS.clear();
      unreachable = Set.of();
      together = null;
    }

    Object runJob() {
      return job.requestBody((Object) null);
    }

    List<String> calls(String prefix) {
      synchronized (CALLS) {
        return CALLS.stream().filter(call -> call.startsWith(prefix)).toList();
      }
    }
  }

  @Nested
  @CamelMainTest(properties = {"llm.pipeline.allow-partial=false", "llm.publish.enabled=true"})
  class AsConfiguredByDefault extends RoutesWithStubs {

    @Test
    void eachPatientIsFetchedReviewedAndMappedThenTheCohortIsAnalysedAndPublished() {
      Object result = runJob();

      assertThat(result).isEqualTo("published analysis of [record p1, record p2, record p3]");
      assertThat(calls(""))
          .startsWith("discover", "progress start")
          .endsWith("progress finish", "cohort of 3", "analyze", "publish");
      for (String patient : List.of("p1", "p2", "p3")) {
        assertThat(calls(""))
            .containsSubsequence(
                "fetch " + patient,
                "review " + patient,
                "map " + patient,
                "done record " + patient);
      }
    }

    @Test
    void aPatientThatCannotBeFetchedFailsTheRunAndNothingIsPublished() {
      unreachable = Set.of("p2");

      assertThatThrownBy(this::runJob)
          .isInstanceOf(CamelExecutionException.class)
          .hasRootCauseInstanceOf(SourceException.class);
      assertThat(calls("publish")).isEmpty();
      assertThat(calls("analyze")).isEmpty();
    }

    @Test
    void aServerGoneMidPullIsLoggedOnceThoughEveryPullThreadFails() throws Exception {
      unreachable = Set.of("p1", "p2", "p3");
      // Both pull threads fail together, as when the EHR goes away in the middle of a pull.
      together = new CyclicBarrier(2);

      try (LogCapture log = LogCapture.start()) {
        assertThatThrownBy(this::runJob).hasRootCauseInstanceOf(SourceException.class);
        // The job ends at the first failure; the other thread's patient fails just after.
        pullThreads.shutdown();
        assertThat(pullThreads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

        assertThat(calls("fetch")).hasSizeGreaterThanOrEqualTo(2);
        assertThat(log.lines())
            .filteredOn(line -> line.contains("Stage "))
            .containsExactly(
                "WARN org.llmfhiradapter.routes Stage cohort-job failed with SourceException");
      }
    }
  }

  @Nested
  @CamelMainTest(properties = {"llm.pipeline.allow-partial=true", "llm.publish.enabled=true"})
  class AllowingAPartialCohort extends RoutesWithStubs {

    @Test
    void aPatientThatCannotBeFetchedIsCountedUnfetchedAndTheOthersGoOn() {
      unreachable = Set.of("p2");

      Object result = runJob();

      assertThat(result).isEqualTo("published analysis of [record p1, unfetched p2, record p3]");
      assertThat(calls("review")).containsExactlyInAnyOrder("review p1", "review p3");
      assertThat(calls("done")).contains("done unfetched p2");
    }
  }

  @Nested
  @CamelMainTest(properties = {"llm.pipeline.allow-partial=false", "llm.publish.enabled=false"})
  class WithPublishingOff extends RoutesWithStubs {

    @Test
    void theResultsAreNotPublished() {
      Object result = runJob();

      assertThat(result).isEqualTo("not published: analysis of [record p1, record p2, record p3]");
      assertThat(calls("publish")).isEmpty();
      assertThat(calls("skip")).hasSize(1);
    }
  }

  // --- stub stages: the method names the routes call
  // --------------------------------------------------------

  public static final class Source {
    public List<String> discoverPatients() {
      CALLS.add("discover");
      return List.of("p1", "p2", "p3");
    }

    public String fetchPatient(String id) {
      CALLS.add("fetch " + id);
      if (unreachable.contains(id)) {
        awaitTheOthers();
        throw new SourceException(
            "Condition search by patient: the FHIR server gave HTTP 503, after 4 attempts");
      }
      return id;
    }
  }

  private static void awaitTheOthers() {
    CyclicBarrier barrier = together;
    if (barrier == null) {
      return;
    }
    try {
      barrier.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (BrokenBarrierException | TimeoutException e) {
      // The split stopped before a partner arrived: fail alone.
    }
  }

  public static final class Review {
    public String review(String id) {
      CALLS.add("review " + id);
      return id;
    }
  }

  public static final class Mapper {
    public String map(String id) {
      CALLS.add("map " + id);
      return "record " + id;
    }
  }

  /** Gathers the outcomes in candidate order, as the real aggregation does. */
  public static final class Gathering implements AggregationStrategy {
    @Override
    public Exchange aggregate(Exchange gathered, Exchange next) {
      String[] outcomes =
          gathered == null ? new String[3] : gathered.getMessage().getBody(String[].class);
      outcomes[next.getProperty(Exchange.SPLIT_INDEX, Integer.class)] =
          next.getMessage().getBody(String.class);
      Exchange into = gathered == null ? next : gathered;
      into.getMessage().setBody(outcomes);
      return into;
    }

    public String unfetched(String id) {
      CALLS.add("unfetched " + id);
      return "unfetched " + id;
    }

    public List<String> toCohort(String[] outcomes) {
      CALLS.add("cohort of " + outcomes.length);
      return List.of(outcomes);
    }
  }

  public static final class Analysis {
    public String analyze(List<String> cohort) {
      CALLS.add("analyze");
      return "analysis of " + cohort;
    }
  }

  public static final class Publisher {
    public String publish(String analysis) {
      CALLS.add("publish");
      return "published " + analysis;
    }

    public String skip(String analysis) {
      CALLS.add("skip");
      return "not published: " + analysis;
    }
  }

  public static final class Progress {
    public List<String> start(List<String> candidates) {
      CALLS.add("progress start");
      return candidates;
    }

    public Object patientDone(Object body) {
      CALLS.add("done " + body);
      return body;
    }

    public Object finish(Object body) {
      CALLS.add("progress finish");
      return body;
    }
  }
}
