package org.vecformer.cli;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vecformer.cli.command.ThreadsOption;
import org.vecformer.engine.kernel.Simd;
import org.vecformer.model.transformer.PositionalEmbedding;

/**
 * The layering of docs/architecture.md, checked on the production bytecode of engine, model and cli (this module's
 * classpath holds all three): the arrows cli → model → engine, the engine's ignorance of transformers, and the scalar
 * twins of {@code engine.reference} kept out of every production path. Twins may be called only by the
 * {@code vecformer bench …} commands, which time kernels against them, and by tests and the bench module. Part of "the
 * CLI computes nothing": outside {@code command.bench} no CLI class calls a kernel or runs a parallel loop, so the
 * maths behind a command's numbers lives in {@code model} or {@code engine}.
 */
class ArchitectureTest {
    private static JavaClasses production;

    @BeforeAll
    static void importProductionClasses() {
        production = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.vecformer");
    }

    @Test
    void theEngineKnowsNothingOfTheModelOrTheCli() {
        noClasses().that().resideInAPackage("org.vecformer.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("org.vecformer.model..", "org.vecformer.cli..")
                .check(production);
    }

    @Test
    void theModelKnowsNothingOfTheCli() {
        noClasses().that().resideInAPackage("org.vecformer.model..")
                .should().dependOnClassesThat().resideInAPackage("org.vecformer.cli..")
                .check(production);
    }

    @Test
    void kernelsAndTheModelNeverRunATwin() {
        noClasses().that().resideInAnyPackage("org.vecformer.engine..", "org.vecformer.model..")
                .and().resideOutsideOfPackage("org.vecformer.engine.reference..")
                .should().dependOnClassesThat().resideInAPackage("org.vecformer.engine.reference..")
                .check(production);
    }

    @Test
    void onlyTheBenchCommandsOfTheCliTimeTwins() {
        noClasses().that().resideInAPackage("org.vecformer.cli..")
                .and().haveSimpleNameNotStartingWith("Bench")
                .should().dependOnClassesThat().resideInAPackage("org.vecformer.engine.reference..")
                .check(production);
    }

    /**
     * The positional kinds are strategies: code asks the kind ({@code residual}, {@code queryKeyInput},
     * {@code addsToResidual}) instead of comparing the config's kind with a constant. Only the config readers
     * ({@code Config}'s default, {@code TlConfig}'s {@code shortformer_pos} flag) and the enum itself name a constant.
     */
    @Test
    void nothingBranchesOnAPositionalKindConstant() {
        noClasses().that().doNotHaveFullyQualifiedName("org.vecformer.model.transformer.Config")
                .and().doNotHaveFullyQualifiedName("org.vecformer.model.tl.TlConfig")
                .and().doNotHaveFullyQualifiedName("org.vecformer.model.transformer.PositionalEmbedding")
                .and().haveNameNotMatching("org\\.vecformer\\.model\\.transformer\\.PositionalEmbedding\\$.*")
                .should().accessField(PositionalEmbedding.class, "STANDARD")
                .orShould().accessField(PositionalEmbedding.class, "SHORTFORMER")
                .check(production);
    }

    /** Dotted TransformerLens names are parsed in one place: BlockPath is read only through ParamName and HookName (and TlImport's layer check). */
    @Test
    void onlyTheNameTypesParseDottedNames() {
        noClasses().that().doNotHaveFullyQualifiedName("org.vecformer.model.transformer.ParamName")
                .and().doNotHaveFullyQualifiedName("org.vecformer.model.transformer.HookName")
                .and().haveNameNotMatching("org\\.vecformer\\.model\\.transformer\\.(ParamName|HookName|BlockPath)\\$.*")
                .and().doNotHaveFullyQualifiedName("org.vecformer.model.transformer.BlockPath")
                .and().doNotHaveFullyQualifiedName("org.vecformer.model.tl.TlImport")
                .should().dependOnClassesThat().haveFullyQualifiedName("org.vecformer.model.transformer.BlockPath")
                .check(production);
    }

    @Test
    void packagesFormNoCycles() {
        slices().matching("org.vecformer.(*).(*)..").should().beFreeOfCycles().check(production);
    }

    @Test
    void outsideTheBenchCommandsTheCliCallsNoKernel() {
        noClasses().that().resideInAPackage("org.vecformer.cli..")
                .and().resideOutsideOfPackage("org.vecformer.cli.command.bench..")
                .should().dependOnClassesThat(resideInAPackage("org.vecformer.engine.kernel..")
                        .and(not(equivalentTo(Simd.class))).as("engine kernels other than Simd (the vector width, shown in error lines)"))
                .check(production);
    }

    @Test
    void outsideTheBenchCommandsOnlyThreadsOptionTouchesTheThreadPool() {
        noClasses().that().resideInAPackage("org.vecformer.cli..")
                .and().resideOutsideOfPackage("org.vecformer.cli.command.bench..")
                .and(not(equivalentTo(ThreadsOption.class)))
                .should().dependOnClassesThat().resideInAPackage("org.vecformer.engine.parallel..")
                .check(production);
    }
}
