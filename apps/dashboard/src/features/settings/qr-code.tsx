import { useMemo } from "react";
import { encode } from "uqr";

/**
 * A QR code as React SVG elements: the dark modules become one path built from the encoder's
 * grid of booleans, so no markup string is ever parsed into the page. Dark on white in both
 * themes, as scanners expect.
 */
export function QrCode({ value, label, size = 192 }: { value: string; label: string; size?: number }) {
  const { d, modules } = useMemo(() => {
    const { data, size: n } = encode(value, { ecc: "M", border: 2 });
    let path = "";
    data.forEach((row, y) => {
      row.forEach((dark, x) => {
        if (dark) path += `M${x} ${y}h1v1h-1z`;
      });
    });
    return { d: path, modules: n };
  }, [value]);
  return (
    <svg
      role="img"
      aria-label={label}
      viewBox={`0 0 ${modules} ${modules}`}
      width={size}
      height={size}
      shapeRendering="crispEdges"
      className="rounded-md border bg-white"
    >
      <rect width={modules} height={modules} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
}
