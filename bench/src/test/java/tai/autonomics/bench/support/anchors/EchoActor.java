package tai.autonomics.bench.support.anchors;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import tai.autonomics.node.AskAnswers;

/**
 * The governor cases' anchor: an actor that only answers each {@link Ping}, asked the same way the cases ask a
 * governor, at the same concurrency and counts. Its variants stand beside the cases that do more than one ask:
 * {@link #spawning()} spawns a fresh echo per ping (a governor's boot), and {@link Hold}/{@link Release} stash pings
 * and answer them all at once (a governor's postponed events).
 */
public final class EchoActor {
  private static final Duration ASK = Duration.ofSeconds(10);

  /** What an echo understands. */
  public interface Command {}

  /** Answered with {@code true}. */
  public record Ping(ActorRef<Boolean> replyTo) implements Command {}

  /** From now on pings wait in the stash (bounded by {@code capacity}) until {@link Release}. */
  public record Hold(int capacity) implements Command {}

  /** Answered with the number of stashed pings (0 when not holding); not stashed itself. */
  public record Count(ActorRef<Integer> replyTo) implements Command {}

  /** Answers every stashed ping, in order, and echoes again. */
  public record Release() implements Command {}

  private EchoActor() {}

  public static Behavior<Command> create() {
    return Behaviors.receive(Command.class)
        .onMessage(Ping.class, ping -> {
          ping.replyTo().tell(Boolean.TRUE);
          return Behaviors.same();
        })
        .onMessage(Hold.class, hold -> Behaviors.withStash(hold.capacity(), EchoActor::holding))
        .onMessage(Release.class, release -> Behaviors.same())
        .onMessage(Count.class, count -> {
          count.replyTo().tell(0);
          return Behaviors.same();
        })
        .build();
  }

  private static Behavior<Command> holding(StashBuffer<Command> stash) {
    return Behaviors.receive(Command.class)
        .onMessage(Release.class, release -> stash.unstashAll(create()))
        .onMessage(Count.class, count -> {
          count.replyTo().tell(stash.size());
          return Behaviors.same();
        })
        .onMessage(Command.class, other -> {
          stash.stash(other);
          return Behaviors.same();
        })
        .build();
  }

  /** A parent that spawns a fresh echo per ping and hands it the ping; the child answers and stops. */
  public static Behavior<Command> spawning() {
    return Behaviors.receive((context, command) -> {
      if (command instanceof Ping ping) {
        context.spawnAnonymous(once()).tell(ping);
      }
      return Behaviors.same();
    });
  }

  private static Behavior<Command> once() {
    return Behaviors.receive((context, command) -> {
      if (command instanceof Ping ping) {
        ping.replyTo().tell(Boolean.TRUE);
      }
      return Behaviors.stopped();
    });
  }

  /** One ask, as the cases ask their actors (continued on the system's dispatcher, as the cases continue). */
  public static CompletionStage<Boolean> ask(ActorRef<Command> echo, ActorSystem<?> system) {
    return AskAnswers.on(AskPattern.<Command, Boolean>ask(echo, Ping::new, ASK, system.scheduler()),
        system.executionContext());
  }
}
