/** The text with its first letter in upper case: a unit or a caption at the head of a column or line. */
export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
