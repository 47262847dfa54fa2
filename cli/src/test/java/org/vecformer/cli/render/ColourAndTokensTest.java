package org.vecformer.cli.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ColourAndTokensTest {
    @Test
    void whitespaceAndControlCharactersBecomeVisibleSymbols() {
        assertEquals("␣the", Tokens.visible(" the"));
        assertEquals("⏎⏎", Tokens.visible("\n\n"));
        assertEquals("a⇥b␍␀␡", Tokens.visible("a\tb\r\0\u007f"));
        assertEquals("∅", Tokens.visible(""));
        assertEquals("</script>&\"'", Tokens.visible("</script>&\"'"));
    }

    @Test
    void sequentialRangeMapsLinearlyFromMinToMax() {
        ValueRange r = new ValueRange(2, 6);
        assertEquals(0.0, r.intensity(2));
        assertEquals(0.25, r.intensity(3));
        assertEquals(1.0, r.intensity(6));
        assertEquals(1.0, r.intensity(100), "clamped");
        assertEquals(0.0, r.intensity(-100), "clamped");
    }

    @Test
    void divergingRangeScalesEachSideByItsOwnEnd() {
        ValueRange r = new ValueRange(-1, 4);
        assertEquals(0.0, r.intensity(0));
        assertEquals(0.5, r.intensity(2));
        assertEquals(-0.5, r.intensity(-0.5));
        assertEquals(-1.0, r.intensity(-3));
    }

    @Test
    void anchoredRangeIsWhiteAtItsCentreAndScalesEachSideByItsOwnEnd() {
        ValueRange r = ValueRange.anchored(0, 0.125, 0.5, "random baseline");
        assertTrue(r.diverging());
        assertEquals(0.0, r.intensity(0.125));
        assertEquals(1.0, r.intensity(0.5));
        assertEquals(1.0 / 3, r.intensity(0.25), 1e-12);
        assertEquals(-0.5, r.intensity(0.0625), 1e-12);
        assertEquals(-1.0, r.intensity(0));
        assertEquals(0xffffff, HeatColour.rgb(0.125, r), "the baseline is white");
    }

    @Test
    void coloursBlendFromWhiteTowardsBlueOrRed() {
        ValueRange r = new ValueRange(-1, 1);
        assertEquals(0xffffff, HeatColour.rgb(0, r));
        assertEquals(8 << 16 | 69 << 8 | 148, HeatColour.rgb(1, r));
        assertEquals(165 << 16 | 15 << 8 | 21, HeatColour.rgb(-1, r));
        // halfway: 255 + 0.5 (hue - 255), rounded
        assertEquals(132 << 16 | 162 << 8 | 202, HeatColour.rgb(0.5, r));
        assertEquals("rgb(132,162,202)", HeatColour.css(HeatColour.rgb(0.5, r)));
        assertTrue(HeatColour.dark(HeatColour.rgb(1, r)), "white text on full blue");
        assertFalse(HeatColour.dark(HeatColour.rgb(0.2, r)), "dark text on pale blue");
    }
}
