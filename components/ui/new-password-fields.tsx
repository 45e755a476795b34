import { Input } from "@/components/ui/field";
import { MIN_PASSWORD_LENGTH } from "@/lib/users/limits";

/** Choosing a password (first run, invite, change): the password with its rule, and its confirmation. */
export function NewPasswordFields({ errors, label = "Password" }: { errors?: { password?: string; confirmPassword?: string }; label?: string }) {
  return (
    <>
      <Input
        label={label}
        name="password"
        type="password"
        autoComplete="new-password"
        required
        minLength={MIN_PASSWORD_LENGTH}
        hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
        error={errors?.password}
      />
      <Input label={`Confirm ${label.toLowerCase()}`} name="confirmPassword" type="password" autoComplete="new-password" required error={errors?.confirmPassword} />
    </>
  );
}
