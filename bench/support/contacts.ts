/** The benchmarks' source contact number `i`, as system A (crm-a-contacts) serves it. */
export function sourceContact(i: number): Record<string, unknown> & { id: string } {
  return {
    id: `c-${i}`,
    email: `Person.${i}@Example.com`,
    first_name: ` person${i} `,
    last_name: `surname${i % 977}`,
    phone: `(512) ${200 + Math.floor(i / 10_000)}-${String(i % 10_000).padStart(4, '0')}`,
    updated_at: '2026-11-20T10:00:00Z',
  };
}
