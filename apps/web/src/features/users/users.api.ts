/** Query keys under `users` are invalidated together after any change to a user. */
export const usersKey = ['users'] as const;
