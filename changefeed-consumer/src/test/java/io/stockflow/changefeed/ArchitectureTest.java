package io.stockflow.changefeed;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaFieldAccess;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Set;

/**
 * The consumer is a generic changefeed framework: it knows nothing of inventory, and a subprocessor
 * author sees only the SPI package.
 */
@AnalyzeClasses(
    packages = "io.stockflow.changefeed",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  /** The HLC text form, stated once in db-migrations. */
  private static final String SHARED_HLC = "io.stockflow.db.changefeed.Hlc";

  /** The consumer's own tables; every other table belongs to the inventory domain. */
  private static final Set<String> OWN_TABLES =
      Set.of("ChangefeedFence", "ChangefeedConsumed", "DeadLetters", "SubprocessorState");

  /** The constants of {@code io.stockflow.db.jooq.Tables} naming {@link #OWN_TABLES}. */
  private static final Set<String> OWN_TABLE_CONSTANTS =
      Set.of("CHANGEFEED_FENCE", "CHANGEFEED_CONSUMED", "DEAD_LETTERS", "SUBPROCESSOR_STATE");

  /** What a platform may use of the processor package; everything else there is package-private. */
  private static final Set<String> PROCESSOR_API =
      Set.of(
          "ChangefeedProcessor",
          "ChangefeedConfig",
          "RetryPolicy",
          "ChangefeedStatus",
          "DeadLetters",
          "DeadLetter",
          "DeadLetterStatus",
          "SubprocessorControl",
          "HandledListener",
          "ChangefeedTables",
          "ChangefeedMeters");

  @ArchTest
  static final ArchRule consumerKnowsNoDomainModule =
      noClasses()
          .that()
          .resideInAPackage("io.stockflow.changefeed..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.stockflow.workflows..",
              "io.stockflow.api..",
              "io.stockflow.subprocessors..",
              "io.stockflow.platform..",
              "io.stockflow.dev..");

  /**
   * Of db-migrations the consumer uses the transaction helpers ({@code Database}, {@code
   * Transactions}, {@code PagedDelete}), the changefeed wire format ({@code ChangefeedJson}, {@code
   * Hlc}) and the jOOQ classes of its own four tables; not the declaration of the watched inventory
   * tables ({@code ChangefeedDeclaration}, {@code WatchedTable}), nothing of {@code
   * io.stockflow.db.reservations}, no other table.
   */
  @ArchTest
  static final ArchRule consumerUsesOnlyItsOwnTablesOfTheDatabaseModule =
      noClasses()
          .that()
          .resideInAPackage("io.stockflow.changefeed..")
          .should()
          .dependOnClassesThat(
              resideInAnyPackage("io.stockflow.db..").and(not(allowedOfTheDatabaseModule())));

  @ArchTest
  static final ArchRule consumerReadsNoOtherTableConstant =
      noClasses()
          .that()
          .resideInAPackage("io.stockflow.changefeed..")
          .should()
          .accessFieldWhere(otherTableConstant());

  /** The SPI's {@code Hlc} reads and writes the HLC text form the whole platform shares. */
  @ArchTest
  static final ArchRule spiKnowsNothingOfTheMachinery =
      noClasses()
          .that()
          .resideInAPackage("io.stockflow.changefeed")
          .should()
          .dependOnClassesThat(
              resideInAnyPackage(
                      "io.stockflow.changefeed.consumer..",
                      "org.apache.kafka..",
                      "org.jooq..",
                      "io.stockflow.db..")
                  .and(not(name(SHARED_HLC))));

  @ArchTest
  static final ArchRule processorInternalsArePackagePrivate =
      classes()
          .that()
          .resideInAPackage("io.stockflow.changefeed.consumer")
          .and()
          .areTopLevelClasses()
          .and(not(simpleNameIn(PROCESSOR_API)))
          .should()
          .notBePublic();

  private static DescribedPredicate<JavaClass> allowedOfTheDatabaseModule() {
    return DescribedPredicate.describe(
        "are the transaction helpers, ChangefeedJson, Hlc or the jOOQ classes of " + OWN_TABLES,
        c ->
            Set.of(
                        "io.stockflow.db.Database",
                        "io.stockflow.db.Transactions",
                        "io.stockflow.db.PagedDelete",
                        "io.stockflow.db.changefeed.ChangefeedJson",
                        SHARED_HLC,
                        "io.stockflow.db.jooq.Tables")
                    .contains(c.getName())
                || c.getName().startsWith("io.stockflow.db.Transactions$")
                || c.getPackageName().equals("io.stockflow.db.jooq.tables")
                    && OWN_TABLES.contains(c.getSimpleName())
                || c.getPackageName().equals("io.stockflow.db.jooq.tables.records")
                    && OWN_TABLES.contains(c.getSimpleName().replaceFirst("Record$", "")));
  }

  private static DescribedPredicate<JavaFieldAccess> otherTableConstant() {
    return DescribedPredicate.describe(
        "is a table of io.stockflow.db.jooq.Tables other than " + OWN_TABLE_CONSTANTS,
        a ->
            a.getTargetOwner().getName().equals("io.stockflow.db.jooq.Tables")
                && !OWN_TABLE_CONSTANTS.contains(a.getTarget().getName()));
  }

  private static DescribedPredicate<JavaClass> simpleNameIn(Set<String> names) {
    return DescribedPredicate.describe(
        "are part of the processor's API " + names, c -> names.contains(c.getSimpleName()));
  }
}
