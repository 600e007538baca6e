# TCP peers with known ports, for tests of the TCP gadgets (io.gadgetflow.testing.TcpPeers).
# Each mode prints what the test needs to know on one line, then takes commands on stdin.
#   pair ADDRESS          a client connected to a server, both here: "ports CLIENT SERVER";
#                         "send N": the client writes N bytes, "received N" once the server has them
#   echo ADDRESS          a server echoing what it reads: "port SERVER"
#   client ADDRESS PORT   a client of such a server: "port CLIENT";
#                         "pingpong N": N exchanges of 100 bytes, one round trip each, "done N"
#   refused ADDRESS PORT  a client bound first, connecting to a port nobody listens on:
#                         "port CLIENT", then "refused" when the connection was refused
use strict;
use warnings;
use IO::Socket::INET;
use Errno qw(ECONNREFUSED);

$| = 1;
my $mode = shift @ARGV;

sub listener {
  my ($address) = @_;
  my $server = IO::Socket::INET->new(LocalAddr => $address, LocalPort => 0, Listen => 8,
    Proto => 'tcp') or die "listen: $!";
  return $server;
}

sub read_exactly {
  my ($socket, $bytes) = @_;
  my $read = 0;
  while ($read < $bytes) {
    my $n = sysread($socket, my $chunk, $bytes - $read);
    die "read: $!" unless $n;
    $read += $n;
  }
}

if ($mode eq 'pair') {
  my ($address) = @ARGV;
  my $server = listener($address);
  my $client = IO::Socket::INET->new(PeerAddr => $address, PeerPort => $server->sockport,
    Proto => 'tcp') or die "connect: $!";
  my $accepted = $server->accept or die "accept: $!";
  print "ports ", $client->sockport, " ", $server->sockport, "\n";
  while (my $line = <STDIN>) {
    my ($command, $bytes) = split ' ', $line;
    next unless $command eq 'send';
    syswrite($client, 'x' x $bytes) == $bytes or die "write: $!";
    read_exactly($accepted, $bytes);
    print "received $bytes\n";
  }
} elsif ($mode eq 'echo') {
  my ($address) = @ARGV;
  my $server = listener($address);
  print "port ", $server->sockport, "\n";
  my $accepted = $server->accept or die "accept: $!";
  while (my $n = sysread($accepted, my $chunk, 65536)) {
    syswrite($accepted, $chunk) == $n or die "write: $!";
  }
} elsif ($mode eq 'client') {
  my ($address, $port) = @ARGV;
  my $client = IO::Socket::INET->new(PeerAddr => $address, PeerPort => $port, Proto => 'tcp')
    or die "connect: $!";
  print "port ", $client->sockport, "\n";
  while (my $line = <STDIN>) {
    my ($command, $count) = split ' ', $line;
    next unless $command eq 'pingpong';
    for (1 .. $count) {
      syswrite($client, 'x' x 100) == 100 or die "write: $!";
      read_exactly($client, 100);
    }
    print "done $count\n";
  }
} elsif ($mode eq 'refused') {
  my ($address, $port) = @ARGV;
  my $client = IO::Socket::INET->new(LocalAddr => $address, LocalPort => 0, Proto => 'tcp')
    or die "bind: $!";
  print "port ", $client->sockport, "\n";
  my $peer = pack_sockaddr_in($port, inet_aton($address));
  die "connected to $address:$port" if connect($client, $peer);
  die "connect: $!" unless $! == ECONNREFUSED;
  print "refused\n";
} else {
  die "unknown mode $mode";
}
