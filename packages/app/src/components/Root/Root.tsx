import {
  Sidebar,
  SidebarDivider,
  SidebarGroup,
  SidebarItem,
  SidebarPage,
  SidebarScrollWrapper,
  SidebarSpace,
} from '@backstage/core-components';
import { makeStyles, Typography } from '@material-ui/core';
import HomeIcon from '@material-ui/icons/Home';
import MenuIcon from '@material-ui/icons/Menu';
import GroupIcon from '@material-ui/icons/People';
import TimerIcon from '@material-ui/icons/Timer';
import { PropsWithChildren } from 'react';
import { Link } from 'react-router-dom';

const useStyles = makeStyles(theme => ({
  logo: {
    display: 'block',
    padding: theme.spacing(3, 2, 2, 3),
    color: theme.palette.common.white,
    textDecoration: 'none',
    fontWeight: theme.typography.fontWeightBold as number,
    whiteSpace: 'nowrap',
  },
}));

function SidebarLogo() {
  const classes = useStyles();
  return (
    <Link to="/" className={classes.logo} aria-label="Home">
      <Typography variant="h6" component="span">
        MTTR Portal
      </Typography>
    </Link>
  );
}

export const Root = ({ children }: PropsWithChildren<{}>) => (
  <SidebarPage>
    <Sidebar>
      <SidebarLogo />
      <SidebarDivider />
      <SidebarGroup label="Menu" icon={<MenuIcon />}>
        <SidebarItem icon={HomeIcon} to="catalog" text="Home" />
        <SidebarItem
          icon={GroupIcon}
          to="catalog?filters[kind]=group"
          text="Teams"
        />
        <SidebarDivider />
        <SidebarScrollWrapper>
          <SidebarItem icon={TimerIcon} to="mttr" text="Recovery" />
        </SidebarScrollWrapper>
      </SidebarGroup>
      <SidebarSpace />
    </Sidebar>
    {children}
  </SidebarPage>
);
