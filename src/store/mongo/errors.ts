// MongoDB's duplicate-key error: a unique index refused the write.
export const isDuplicateKey = (error: unknown) => (error as { code?: number }).code === 11000;
