package tai.autonomics.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.channel.pool.FixedChannelPool;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The HTTP/1.1 client of the load runs: Netty, one event-loop thread by default ({@code bench.client.event-loops}),
 * a fixed pool of keep-alive connections (one per concurrent request), every answer handled on the loop that read
 * it. Chosen by measurement against a bare pekko-http server, 10 connections, closed loop, 2 cores shared with
 * other work (bench/.../support/BareServer; wrk -t2 -c10 beside it): Netty reached 4,000-8,650 req/s (p50
 * 0.76-1.65 ms) where wrk reached 11,900-12,700 (p50 0.67-0.71 ms), Jetty 12's client 2,500-4,200 (p50 1.1-1.8
 * ms), pekko-http's pooled client 490 (p50 16.7 ms), the JDK HttpClient of the former harness 1,000-1,170 (p50
 * 6.4-7.6 ms). One loop against two: 24,200 against 9,100 req/s the one time the machine was quiet (wrk 33,300),
 * while two did better in 3 of 4 busy rounds (1,580-8,090 against 1,560-3,400).
 *
 * <p>Every request times out on its own ({@code timeout}, counted from the call, waiting for a connection
 * included); a timed-out request's connection is closed, so a late answer cannot be taken for the next request's.
 * Requests beyond the connections wait in the pool's bounded queue ({@code maxPending}); past it they fail at once.
 */
public final class HttpLoadClient implements AutoCloseable {
  private static final int MAX_BODY = 16 * 1024 * 1024;

  /** An answer: status and body (UTF-8). */
  public record Response(int status, String body) {}

  private final EventLoopGroup group;
  private final FixedChannelPool pool;
  private final String host;
  private final Duration timeout;
  private final URI base;

  private HttpLoadClient(URI base, int maxConnections, int maxPending, Duration timeout) {
    this.base = base;
    this.timeout = timeout;
    int port = base.getPort() > 0 ? base.getPort() : 80;
    this.host = base.getHost() + ":" + port;
    this.group = new MultiThreadIoEventLoopGroup(Integer.getInteger("bench.client.event-loops", 1),
        NioIoHandler.newFactory());
    Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true).option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
            (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
        .remoteAddress(base.getHost(), port);
    this.pool = new FixedChannelPool(bootstrap, new AbstractChannelPoolHandler() {
      @Override
      public void channelCreated(Channel channel) {
        channel.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(MAX_BODY), new Answers());
      }
    }, maxConnections, maxPending);
  }

  /**
   * A client of the server at {@code base} (http://host:port) with at most {@code maxConnections} connections:
   * give it one per concurrent request of the load (closed-model workers, open-model in-flight bound).
   */
  public static HttpLoadClient create(URI base, int maxConnections, Duration timeout) {
    if (!"http".equals(base.getScheme())) {
      throw new IllegalArgumentException("the load client speaks plain http, not " + base);
    }
    return new HttpLoadClient(base, Math.max(1, maxConnections), 100_000, timeout);
  }

  public URI base() {
    return base;
  }

  /** GET {@code path}. */
  public CompletionStage<Response> get(String path) {
    return send(HttpMethod.GET, path, null);
  }

  /** POST {@code json} to {@code path}. */
  public CompletionStage<Response> post(String path, String json) {
    return send(HttpMethod.POST, path, json);
  }

  private CompletionStage<Response> send(HttpMethod method, String path, String json) {
    CompletableFuture<Response> answer = new CompletableFuture<>();
    // on the event loop, not with orTimeout: the JDK's one delay scheduler is shared under a lock, and its schedule
    // and cancel were about a tenth of the loop's samples in a JFR profile of the calibration load
    ScheduledFuture<?> timer = group.next().schedule(
        () -> answer.completeExceptionally(new TimeoutException("no answer within " + timeout)),
        timeout.toNanos(), TimeUnit.NANOSECONDS);
    answer.whenComplete((response, failure) -> timer.cancel(false));
    pool.acquire().addListener(acquired -> {
      if (!acquired.isSuccess()) {
        answer.completeExceptionally(acquired.cause());
        return;
      }
      Channel channel = (Channel) acquired.getNow();
      Answers answers = channel.pipeline().get(Answers.class);
      answer.whenComplete((response, failure) -> {
        if (failure != null) {
          channel.close(); // the answer, if it ever comes, must not be read as the next request's
        }
        pool.release(channel);
      });
      if (answer.isDone()) {
        return;
      }
      answers.pending = answer;
      channel.writeAndFlush(request(method, path, json)).addListener(written -> {
        if (!written.isSuccess()) {
          answer.completeExceptionally(written.cause());
        }
      });
    });
    return answer;
  }

  private FullHttpRequest request(HttpMethod method, String path, String json) {
    ByteBuf body = json == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(json.getBytes(StandardCharsets.UTF_8));
    FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, path, body);
    request.headers().set(HttpHeaderNames.HOST, host);
    if (json != null) {
      request.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
          .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
    }
    return request;
  }

  /** Completes the request in flight on its connection (one at a time: no pipelining). */
  private static final class Answers extends SimpleChannelInboundHandler<FullHttpResponse> {
    volatile CompletableFuture<Response> pending;

    @Override
    protected void channelRead0(ChannelHandlerContext context, FullHttpResponse response) {
      CompletableFuture<Response> answer = take();
      if (!HttpUtil.isKeepAlive(response)) {
        context.close();
      }
      if (answer != null) {
        answer.complete(new Response(response.status().code(), response.content().toString(StandardCharsets.UTF_8)));
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
      fail(new IllegalStateException("connection closed before the answer"));
      context.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
      fail(cause);
      context.close();
    }

    private void fail(Throwable cause) {
      CompletableFuture<Response> answer = take();
      if (answer != null) {
        answer.completeExceptionally(cause);
      }
    }

    private CompletableFuture<Response> take() {
      CompletableFuture<Response> answer = pending;
      pending = null;
      return answer;
    }
  }

  @Override
  public void close() {
    pool.close();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
