/** Small seeded generators so every synthetic video is reproducible from its seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function gaussian(random: () => number): () => number {
  return () => {
    const u = Math.max(random(), 1e-12);
    const v = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

/** A long table of standard normal values; frames read it at random offsets (fast sensor noise). */
export function gaussianTable(length: number, seed: number): Float32Array {
  const next = gaussian(mulberry32(seed));
  const table = new Float32Array(length);
  for (let i = 0; i < length; i++) table[i] = next();
  return table;
}

/** Smooth random wander: a sum of a few sinusoids with random phases and the given top frequency. */
export function smoothWander(seed: number, maxHz: number, components = 4): (t: number) => number {
  const rnd = mulberry32(seed);
  const parts = Array.from({ length: components }, () => ({
    hz: maxHz * (0.2 + 0.8 * rnd()),
    phase: 2 * Math.PI * rnd(),
    amp: 0.5 + rnd(),
  }));
  const norm = parts.reduce((s, p) => s + p.amp, 0);
  return (t) => parts.reduce((s, p) => s + p.amp * Math.sin(2 * Math.PI * p.hz * t + p.phase), 0) / norm;
}
