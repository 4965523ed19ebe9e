"""The grid server's relayer: meter messages in, proven deliveries out (issue 6)."""
