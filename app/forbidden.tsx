import { ButtonLink } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { LockIcon } from "@/components/ui/icons";

export default function Forbidden() {
  return (
    <EmptyState
      icon={<LockIcon />}
      title="You don't have access to this page"
      description="It is for administrators of this Reel. If you need it, ask one of them."
      action={<ButtonLink href="/">Back to home</ButtonLink>}
    />
  );
}
