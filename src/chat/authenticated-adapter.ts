// The CloudAdapter, with authentication as a step of its own: the endpoint authenticates first
// (and answers 401 / 503 itself, without the library's text), checks the tenant, and only then
// runs the turn on the already authenticated request.
import { CloudAdapter, type Activity, type ConfigurationBotFrameworkAuthentication, type InvokeResponse, type TurnContext } from 'botbuilder';

/** What authenticating a request yields (botframework-connector's AuthenticateRequestResult). */
export type Authenticated = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']>>;

export class AuthenticatedAdapter extends CloudAdapter {
  constructor(private readonly authentication: ConfigurationBotFrameworkAuthentication) {
    super(authentication);
  }

  /** Validates the request's token for this activity (anonymous without credentials). */
  authenticate(activity: Activity, authHeader: string): Promise<Authenticated> {
    return this.authentication.authenticateRequest(activity, authHeader);
  }

  /** Runs the turn of an authenticated request; resolves with the invoke response, if any. */
  runAuthenticated(authenticated: Authenticated, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(authenticated, activity, logic);
  }
}
