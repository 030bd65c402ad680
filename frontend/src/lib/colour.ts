// Text on a coloured background (an avatar's initials): white where white reads at 4.5:1 or
// better (WCAG AA), black otherwise. Several of the original's 18 avatar colours are too light
// for white (#BFA07A gives 2.5:1).

function luminance(hex: string): number {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return 0;
  const [r, g, b] = m.slice(1).map((h) => {
    const c = parseInt(h, 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

export function readableOn(background: string): "#ffffff" | "#000000" {
  return contrast("#ffffff", background) >= 4.5 ? "#ffffff" : "#000000";
}
