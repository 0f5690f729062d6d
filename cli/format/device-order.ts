/** Orders device names as people count: leaf2 before leaf10. */
export function compareDevices(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true });
}
