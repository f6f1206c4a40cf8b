import { Alert } from "@/components/ui/alert";

/** The form-level error: what the server said that belongs to no single field. */
export function FormAlert({ message, title = "Not saved" }: { message?: string; title?: string }) {
  if (!message) return null;
  return (
    <Alert tone="danger" title={title}>
      {message}
    </Alert>
  );
}
