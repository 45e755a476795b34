import { Input } from "@/components/ui/field";
import { MIN_PASSWORD_LENGTH } from "@/lib/users/rules";

/** Choosing a password (first run, invite): the password with its rule, and its confirmation. */
export function NewPasswordFields({ errors }: { errors?: { password?: string; confirmPassword?: string } }) {
  return (
    <>
      <Input
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        minLength={MIN_PASSWORD_LENGTH}
        hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
        error={errors?.password}
      />
      <Input label="Confirm password" name="confirmPassword" type="password" autoComplete="new-password" required error={errors?.confirmPassword} />
    </>
  );
}
