package org.vecformer.cli.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.Color;
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
    void coloursBlendFromWhiteTowardsBlueOrRed() {
        ValueRange r = new ValueRange(-1, 1);
        assertEquals(new Color(255, 255, 255), HeatColour.of(0, r));
        assertEquals(new Color(8, 69, 148), HeatColour.of(1, r));
        assertEquals(new Color(165, 15, 21), HeatColour.of(-1, r));
        // halfway: 255 + 0.5 (hue - 255), rounded
        assertEquals(new Color(132, 162, 202), HeatColour.of(0.5, r));
    }
}
