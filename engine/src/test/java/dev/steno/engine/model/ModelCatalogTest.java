package dev.steno.engine.model;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelCatalogTest {
    private static final List<String> NAMES = List.of("tiny", "tiny.en", "base", "base.en", "small", "small.en",
            "medium", "medium.en", "large-v3", "large-v3-turbo");

    @Test
    void listsTheTenOfficialModelsWithTheirGgmlFileNames() {
        assertEquals(NAMES, ModelCatalog.all().stream().map(WhisperModel::name).toList());
        assertEquals(NAMES, ModelCatalog.names());
        for (WhisperModel m : ModelCatalog.all()) {
            assertEquals("ggml-" + m.name() + ".bin", m.fileName());
            assertEquals(m.name().endsWith(".en"), m.englishOnly(), m.name());
            assertEquals(m.name().startsWith("large-v3") ? 128 : 80, m.nMels(), m.name());
            assertFalse(m.description().isBlank());
        }
    }

    @Test
    void tinyAndBaseCarryThePublishedChecksumsAndSizes() {
        WhisperModel tiny = ModelCatalog.require("tiny");
        assertEquals(Optional.of("be07e048e1e599ad46341c8d2a135645097a538221678b7acdd1b1919c6e1b21"), tiny.sha256());
        assertEquals(OptionalLong.of(77_691_713L), tiny.sizeBytes());
        WhisperModel base = ModelCatalog.require("base");
        assertEquals(Optional.of("60ed5bc3dd14eea856493d334349b405782ddcaf0028d4b5df4088345fba2efe"), base.sha256());
        assertEquals(OptionalLong.of(147_951_465L), base.sizeBytes());
        assertEquals(Optional.of("1be3a9b2063867b937e64e2ec7483364a79917e157fa98c5d94b5c1fffea987b"),
                ModelCatalog.require("small").sha256());
        assertEquals(Optional.of("64d182b440b98d5203c4f9bd541544d84c605196c4f7b845dfa11fb23594d1e2"),
                ModelCatalog.require("large-v3").sha256());
        assertEquals(Optional.of("1fc70f774d38eb169993ac391eea357ef47c88757ef72ee5943879b7e8e2bc69"),
                ModelCatalog.require("large-v3-turbo").sha256());
    }

    @Test
    void modelsWithoutAPublishedChecksumHaveNone() {
        for (String name : List.of("tiny.en", "base.en", "small.en", "medium", "medium.en")) {
            assertEquals(Optional.empty(), ModelCatalog.require(name).sha256(), name);
        }
    }

    @Test
    void unknownNameErrorListsTheValidNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelCatalog.require("huge"));
        assertTrue(e.getMessage().contains("'huge'"), e.getMessage());
        for (String name : NAMES) {
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
        assertEquals(Optional.empty(), ModelCatalog.find("huge"));
        assertEquals(Optional.empty(), ModelCatalog.find(null));
        assertEquals("base.en", ModelCatalog.find(" base.en ").orElseThrow().name());
    }

    @Test
    void aPathWhereANameIsExpectedIsRefusedWithAHint() {
        for (String path : new String[] {"../ggml-base.bin", "/tmp/ggml-base.bin", "models/base", "..\\base", "..",
                "base/../../etc/passwd"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelCatalog.require(path));
            assertTrue(e.getMessage().contains("--model-path"), e.getMessage());
            assertEquals(Optional.empty(), ModelCatalog.find(path));
        }
    }

    @Test
    void modelRecordRejectsUnsafeOrMalformedValues() {
        assertThrows(IllegalArgumentException.class, () -> new WhisperModel("x", "../evil.bin", Optional.empty(),
                OptionalLong.empty(), false, 80, ""));
        assertThrows(IllegalArgumentException.class, () -> new WhisperModel("x", "x.bin", Optional.of("abc"),
                OptionalLong.empty(), false, 80, ""));
        assertThrows(IllegalArgumentException.class, () -> new WhisperModel("x", "x.bin", Optional.empty(),
                OptionalLong.empty(), false, 64, ""));
        WhisperModel upper = new WhisperModel("x", "x.bin", Optional.of("AB".repeat(32)), OptionalLong.empty(),
                false, 80, "");
        assertEquals(Optional.of("ab".repeat(32)), upper.sha256(), "checksums are compared in lower case");
    }
}
