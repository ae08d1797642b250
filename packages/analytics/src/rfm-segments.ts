// The conventional RFM segment maps (public conventions; tested to equal data/rfm/*.json).

/** 10-segment grid on (recency score, frequency score): key "RF". */
export const RF_SEGMENT_GRID: Readonly<Record<string, string>> = {
  '11': 'hibernating', '12': 'hibernating', '13': 'at_risk', '14': 'at_risk', '15': 'cant_lose',
  '21': 'hibernating', '22': 'hibernating', '23': 'at_risk', '24': 'at_risk', '25': 'cant_lose',
  '31': 'about_to_sleep', '32': 'about_to_sleep', '33': 'need_attention', '34': 'loyal_customers', '35': 'loyal_customers',
  '41': 'promising', '42': 'potential_loyalists', '43': 'potential_loyalists', '44': 'loyal_customers', '45': 'loyal_customers',
  '51': 'new_customers', '52': 'potential_loyalists', '53': 'potential_loyalists', '54': 'champions', '55': 'champions',
};

/** 11-segment map: segment → the R-F-M codes it holds (every one of the 125 codes exactly once). */
export const RFM_SEGMENT_MAP: Readonly<Record<string, readonly string[]>> = {
  champions: ['555', '554', '544', '545', '454', '455', '445'],
  loyal_customers: ['543', '444', '435', '355', '354', '345', '344', '335'],
  potential_loyalists: [
    '553', '551', '552', '541', '542', '533', '532', '531', '452', '451', '442', '441', '431', '453', '433', '432', '423', '353', '352',
    '351', '342', '341', '333', '323',
  ],
  new_customers: ['512', '511', '422', '421', '412', '411', '311'],
  promising: ['525', '524', '523', '522', '521', '515', '514', '513', '425', '424', '413', '414', '415', '315', '314', '313'],
  need_attention: ['535', '534', '443', '434', '343', '334', '325', '324'],
  about_to_sleep: ['331', '321', '312', '221', '213', '231', '241', '251'],
  cant_lose_them: ['155', '154', '144', '214', '215', '115', '114', '113'],
  at_risk: [
    '255', '254', '245', '244', '253', '252', '243', '242', '235', '234', '225', '224', '153', '152', '145', '143', '142', '135', '134',
    '133', '125', '124',
  ],
  hibernating: ['332', '322', '233', '232', '223', '222', '132', '123', '122', '212', '211'],
  lost: ['111', '112', '121', '131', '141', '151'],
};

/** Segment names of the RF grid, in a stable order. */
export const RF_SEGMENTS: readonly string[] = [...new Set(Object.values(RF_SEGMENT_GRID))];
/** Segment names of the RFM map, in a stable order. */
export const RFM_SEGMENTS: readonly string[] = Object.keys(RFM_SEGMENT_MAP);

// Lookup by 25·(R−1) + 5·(F−1) + (M−1).
const rfmIndex: Uint8Array = (() => {
  const t = new Uint8Array(125).fill(255);
  RFM_SEGMENTS.forEach((name, k) => {
    for (const code of RFM_SEGMENT_MAP[name]!) {
      const [r, f, m] = [...code].map(Number) as [number, number, number];
      t[25 * (r - 1) + 5 * (f - 1) + (m - 1)] = k;
    }
  });
  return t;
})();
const rfIndex: Uint8Array = (() => {
  const t = new Uint8Array(25);
  for (const [code, name] of Object.entries(RF_SEGMENT_GRID)) {
    const [r, f] = [...code].map(Number) as [number, number];
    t[5 * (r - 1) + (f - 1)] = RF_SEGMENTS.indexOf(name);
  }
  return t;
})();

function checkScore(v: number): void {
  if (!Number.isInteger(v) || v < 1 || v > 5) throw new RangeError(`RFM score must be an integer 1–5, got ${v}`);
}

/** RF grid segment of recency and frequency scores 1–5. */
export function rfSegment(r: number, f: number): string {
  checkScore(r);
  checkScore(f);
  return RF_SEGMENTS[rfIndex[5 * (r - 1) + (f - 1)]!]!;
}

/** 11-segment RFM segment of scores 1–5. */
export function rfmSegment(r: number, f: number, m: number): string {
  checkScore(r);
  checkScore(f);
  checkScore(m);
  return RFM_SEGMENTS[rfmIndex[25 * (r - 1) + 5 * (f - 1) + (m - 1)]!]!;
}
