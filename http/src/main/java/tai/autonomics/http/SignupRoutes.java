package tai.autonomics.http;

import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequestEntity;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.post;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.util.ByteString;

/**
 * {@code POST /signup}: Google Cloud Marketplace's sign-up (the product's "Sign up URL"). The buyer's browser posts
 * the form field {@code x-gcp-marketplace-token}; a token that verifies ({@link SignupVerifier}) approves the
 * {@code signup} approval of its account ({@code sub}) through the Partner Procurement API and answers a small HTML
 * page (no script). Bad tokens: 401 with a stable reason; not a form: 415; Google unreachable or busy: 503 with
 * {@code Retry-After} (the buyer may simply post again; Google's approve of an approved account changes nothing);
 * Google refuses: 502 with Google's status and message. While {@code autonomics.http.signup.enabled} is off: 404
 * {@code signup_disabled}.
 *
 * <p>The account is linked to a tenant (the one its entitlements serve, else the tenant named by the account id) by
 * a {@code procurement_call} receipt in that tenant's chain, before Google is called; an approved account's
 * entitlements waiting for it are then decided again.
 */
public final class SignupRoutes {
  private static final String FIELD = "x-gcp-marketplace-token";

  private final EdgeContext edge;
  private final SignupVerifier verifier;
  private final Executor blocking;
  private final ActorSystem<?> system;

  public SignupRoutes(EdgeContext edge, ActorSystem<?> system) {
    Clock clock = Clock.systemUTC();
    this.edge = edge;
    this.system = system;
    SignupSettings settings = SignupSettings.create(system.settings().config());
    this.verifier = settings.enabled()
        ? new SignupVerifier(settings, new PartnerCertificates(settings, clock), clock) : null;
    this.blocking = system.dispatchers().lookup(DispatcherSelector.fromConfig("autonomics.http.blocking-dispatcher"));
  }

  public Route routes() {
    return path("signup", () -> post(() -> extractRequestEntity(entity -> completeWithFuture(handle(entity)))));
  }

  private CompletionStage<HttpResponse> handle(HttpEntity entity) {
    CompletionStage<HttpResponse> answer;
    try {
      if (verifier == null) {
        throw new ClientError(StatusCodes.NOT_FOUND, "signup_disabled", "sign-up is not enabled on this node");
      }
      edge.checkReady();
      if (!entity.getContentType().mediaType().equals(MediaTypes.APPLICATION_X_WWW_FORM_URLENCODED)) {
        throw new ClientError(StatusCodes.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
            "the sign-up is a form: application/x-www-form-urlencoded");
      }
      answer = edge.body(entity, edge.settings().maxBytes())
          .thenApplyAsync(body -> verifier.accountId(field(body)), blocking)
          .thenCompose(this::approve);
    } catch (ClientError error) {
      answer = CompletableFuture.failedFuture(error);
    }
    return EdgeErrors.recover(answer);
  }

  /**
   * The sign-up goes through the outbox of calls to Google: the answer comes once the account's link to its tenant
   * (and so the job that approves it) is durable; Google is called after, retried until it answers.
   */
  private CompletionStage<HttpResponse> approve(String accountId) {
    return edge.gateway().signUp(accountId).thenApply(link -> {
      system.log().info("sign-up: procurement account {} linked to tenant {}; approval queued", accountId,
          link.tenantId());
      return confirmation(accountId);
    });
  }

  /** The token field of a form body; a body that is no form has none. */
  private static String field(ByteString body) {
    String form = body.utf8String();
    for (String pair : form.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      try {
        if (URLDecoder.decode(name, StandardCharsets.UTF_8).equals(FIELD)) {
          return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        }
      } catch (IllegalArgumentException e) {
        throw ClientError.badRequest("invalid_body", "the form is not URL-encoded: " + e.getMessage());
      }
    }
    return null;
  }

  private static HttpResponse confirmation(String accountId) {
    String page = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Signed up</title></head>"
        + "<body><h1>You are signed up</h1><p>Your Google Cloud Marketplace account <code>" + escape(accountId)
        + "</code> is signed up; its approval is being completed with Google. You can return to the Google Cloud"
        + " console.</p></body></html>\n";
    return HttpResponse.create().withStatus(StatusCodes.OK)
        .withEntity(HttpEntities.create(ContentTypes.TEXT_HTML_UTF8, page.getBytes(StandardCharsets.UTF_8)))
        .addHeader(RawHeader.create("Content-Security-Policy", "default-src 'none'"))
        .addHeader(RawHeader.create("Cache-Control", "no-store"));
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
