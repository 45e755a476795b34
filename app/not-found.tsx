import { ButtonLink } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";

export default function NotFound() {
  return (
    <EmptyState
      title="Page not found"
      description="The page you asked for does not exist, or it was moved or deleted."
      action={<ButtonLink href="/">Back to home</ButtonLink>}
    />
  );
}
