/** "120 / 2000" beside a long text field; turns red past the limit. */
export function CharacterCount({ text, max }: { text: string; max: number }) {
  const count = [...text.trim()].length;
  return (
    <span className={count > max ? "text-xs text-danger" : "text-xs text-muted-foreground"}>
      {count} / {max}
    </span>
  );
}
