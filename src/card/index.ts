// keyprint/card — printed verification cards: model, layout, SVG/PDF/PNG renderers, decoding and verification.
