package io.stockflow.api;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The API answers from the database alone: it starts no workflow and reads no topic, so it keeps
 * serving while Temporal or Kafka are down, and it scales on its own.
 */
@AnalyzeClasses(packages = "io.stockflow.api", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule apiKnowsNeitherWorkflowsNorTemporalNorKafka =
      noClasses()
          .that()
          .resideInAPackage("io.stockflow.api..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.stockflow.workflows..", "io.temporal..", "org.apache.kafka..");
}
