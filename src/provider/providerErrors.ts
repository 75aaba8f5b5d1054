// What a person sees when a relying party's request cannot be served. The OAuth error code
// stays on the page for whoever supports the application.
const explanations: Record<string, string> = {
  invalid_redirect_uri: 'The application asked to send you back to an address it has not registered with Twofold, so the sign-in stopped here to protect you. Tell the application’s owner.',
  invalid_client: 'The application is not registered with Twofold, or its registration was removed. Tell the application’s owner.',
  invalid_request: 'The application sent a sign-in request Twofold cannot accept. Tell the application’s owner.',
  invalid_request_uri: 'The application sent a sign-in request Twofold cannot accept. Tell the application’s owner.',
  unauthorized_client: 'This application is not allowed to sign people in this way. Tell the application’s owner.',
  invalid_scope: 'The application asked for information Twofold does not provide. Tell the application’s owner.',
  session_not_found: 'This sign-in took too long or was already finished. Go back to the application and start again.',
  access_denied: 'The sign-in was stopped. Go back to the application if you want to try again.',
  server_error: 'Something went wrong on our side. Try again in a moment.',
};

const signOutExplanations: Record<string, string> = {
  invalid_request: 'The application asked to sign you out in a way Twofold cannot accept (for example, to send you back to an address it has not registered), so you were not signed out. Tell the application’s owner.',
  invalid_client: 'The application that asked to sign you out is not registered with Twofold. Tell the application’s owner.',
};

export function describeProviderError(error: string, description?: string, { signingOut = false } = {}) {
  if (signingOut) {
    return {
      title: error === 'server_error' ? 'Something went wrong' : 'We could not sign you out',
      message: signOutExplanations[error] ?? (error === 'server_error' ? explanations.server_error! : 'The sign-out cannot continue. Go back to the application and try again.'),
      code: error,
      detail: error === 'server_error' ? undefined : description,
    };
  }
  return {
    title: error === 'server_error' ? 'Something went wrong' : 'We could not sign you in',
    message: explanations[error] ?? 'The sign-in cannot continue. Go back to the application and start again.',
    code: error,
    detail: error === 'server_error' ? undefined : description,
  };
}
