/**
 * The JSON lines (structured logs and EMF metrics) a Lambda handler writes while `act` runs:
 * Powertools puts ERROR on stderr and the rest on stdout, so both are captured.
 */
export async function jsonLinesWhile(act: () => unknown): Promise<Record<string, any>[]> {
  const lines: string[] = [];
  const capture = (chunk: unknown) => { lines.push(String(chunk)); return true; };
  const spies = [jest.spyOn(process.stdout, 'write').mockImplementation(capture), jest.spyOn(process.stderr, 'write').mockImplementation(capture)];
  try {
    await act();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return lines.join('').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, any>);
}
