package tai.autonomics.tlog;

/** The {@link Checkpointer} refused to sign: the tree head is not consistent with the last one it signed. */
public final class CheckpointRefusedException extends Exception {
  private static final long serialVersionUID = 1L;

  public CheckpointRefusedException(String message) {
    super(message);
  }
}
