package io.stockflow.subprocessors;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleNameEndingWith;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * A subprocessor is a reaction plugged into the changefeed consumer: it sees the consumer's SPI and
 * the workflows' client side, and nothing of the machinery on either side.
 */
@AnalyzeClasses(
    packages = "io.stockflow.subprocessors",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule subprocessorsNeverTouchKafka =
      noClasses()
          .that()
          .resideInAPackage("io.stockflow.subprocessors..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("org.apache.kafka..");

  /** {@code io.stockflow.changefeed} is the SPI; the processor package is the platform's. */
  @ArchTest
  static final ArchRule subprocessorsUseOnlyTheConsumersSpi =
      noClasses()
          .that()
          .resideInAPackage("io.stockflow.subprocessors..")
          .should()
          .dependOnClassesThat(
              resideInAPackage("io.stockflow.changefeed..")
                  .and(not(resideInAPackage("io.stockflow.changefeed"))));

  /**
   * Workflows are reached through their clients: nothing of the worker but its settings (the task
   * queue the clients start workflows on), no workflow or activity implementation, and of Temporal
   * only the client API.
   */
  @ArchTest
  static final ArchRule subprocessorsSeeOnlyTheWorkflowsClientSide =
      noClasses()
          .that()
          .resideInAPackage("io.stockflow.subprocessors..")
          .should()
          .dependOnClassesThat(
              resideInAPackage("io.stockflow.workflows.worker..")
                  .and(not(simpleNameEndingWith("Settings")))
                  .or(
                      resideInAPackage("io.stockflow.workflows..")
                          .and(simpleNameEndingWith("Impl")))
                  .or(
                      resideInAnyPackage("io.temporal..")
                          .and(not(resideInAPackage("io.temporal.client..")))));
}
